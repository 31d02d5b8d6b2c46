from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.visibility import Visibility
from ..types import UNSET, Unset

T = TypeVar("T", bound="TenantApp")


@_attrs_define
class TenantApp:
    """An app as one tenant sees it in the catalogue.

    Attributes:
        app_id (str): The app.
        coming_soon (bool): Coming soon: listed, not usable.
        install_cost (int): Credits installing it costs, once.
        installed (bool): Installed in this tenant now.
        version (str): The running version.
        visibility (Visibility): Whom the catalogue offers an app to.
        purge_after (datetime.datetime | None | Unset): Until when its rows are kept for a reinstall.
        uninstalled_at (datetime.datetime | None | Unset): When it was last uninstalled, if it is not installed.
    """

    app_id: str
    coming_soon: bool
    install_cost: int
    installed: bool
    version: str
    visibility: Visibility
    purge_after: datetime.datetime | None | Unset = UNSET
    uninstalled_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        app_id = self.app_id

        coming_soon = self.coming_soon

        install_cost = self.install_cost

        installed = self.installed

        version = self.version

        visibility = self.visibility.value

        purge_after: None | str | Unset
        if isinstance(self.purge_after, Unset):
            purge_after = UNSET
        elif isinstance(self.purge_after, datetime.datetime):
            purge_after = self.purge_after.isoformat()
        else:
            purge_after = self.purge_after

        uninstalled_at: None | str | Unset
        if isinstance(self.uninstalled_at, Unset):
            uninstalled_at = UNSET
        elif isinstance(self.uninstalled_at, datetime.datetime):
            uninstalled_at = self.uninstalled_at.isoformat()
        else:
            uninstalled_at = self.uninstalled_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "appId": app_id,
                "comingSoon": coming_soon,
                "installCost": install_cost,
                "installed": installed,
                "version": version,
                "visibility": visibility,
            }
        )
        if purge_after is not UNSET:
            field_dict["purgeAfter"] = purge_after
        if uninstalled_at is not UNSET:
            field_dict["uninstalledAt"] = uninstalled_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        app_id = d.pop("appId")

        coming_soon = d.pop("comingSoon")

        install_cost = d.pop("installCost")

        installed = d.pop("installed")

        version = d.pop("version")

        visibility = Visibility(d.pop("visibility"))

        def _parse_purge_after(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                purge_after_type_0 = datetime.datetime.fromisoformat(data)

                return purge_after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        purge_after = _parse_purge_after(d.pop("purgeAfter", UNSET))

        def _parse_uninstalled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                uninstalled_at_type_0 = datetime.datetime.fromisoformat(data)

                return uninstalled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        uninstalled_at = _parse_uninstalled_at(d.pop("uninstalledAt", UNSET))

        tenant_app = cls(
            app_id=app_id,
            coming_soon=coming_soon,
            install_cost=install_cost,
            installed=installed,
            version=version,
            visibility=visibility,
            purge_after=purge_after,
            uninstalled_at=uninstalled_at,
        )

        tenant_app.additional_properties = d
        return tenant_app

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
