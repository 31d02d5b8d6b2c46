from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MissingObject")


@_attrs_define
class MissingObject:
    """A blob row whose object is not in storage.

    Attributes:
        app_id (str): The app that stored it.
        blob_id (UUID): The blob.
        tenant_id (UUID): Its tenant.
    """

    app_id: str
    blob_id: UUID
    tenant_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        app_id = self.app_id

        blob_id = str(self.blob_id)

        tenant_id = str(self.tenant_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "appId": app_id,
                "blobId": blob_id,
                "tenantId": tenant_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        app_id = d.pop("appId")

        blob_id = UUID(d.pop("blobId"))

        tenant_id = UUID(d.pop("tenantId"))

        missing_object = cls(
            app_id=app_id,
            blob_id=blob_id,
            tenant_id=tenant_id,
        )

        missing_object.additional_properties = d
        return missing_object

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
