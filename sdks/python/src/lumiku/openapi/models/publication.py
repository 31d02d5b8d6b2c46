from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.visibility import Visibility

T = TypeVar("T", bound="Publication")


@_attrs_define
class Publication:
    """An administrator's publication of an app.

    Attributes:
        app_id (str): The app.
        version (str): The version served (the one compiled into this binary).
        versions (list[str]): Every version the registry has seen, oldest first.
        visibility (Visibility): Whom the catalogue offers an app to.
    """

    app_id: str
    version: str
    versions: list[str]
    visibility: Visibility
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        app_id = self.app_id

        version = self.version

        versions = self.versions

        visibility = self.visibility.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "appId": app_id,
                "version": version,
                "versions": versions,
                "visibility": visibility,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        app_id = d.pop("appId")

        version = d.pop("version")

        versions = cast(list[str], d.pop("versions"))

        visibility = Visibility(d.pop("visibility"))

        publication = cls(
            app_id=app_id,
            version=version,
            versions=versions,
            visibility=visibility,
        )

        publication.additional_properties = d
        return publication

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
