from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AppRecord")


@_attrs_define
class AppRecord:
    """An app's stored state.

    Attributes:
        active_users (int): Distinct users who performed one.
        app_id (str): The app's id.
        beta (bool): Beta badge.
        coming_soon (bool): Coming soon: listed as such, cannot be opened.
        dashboard_order (int): Dashboard position.
        enabled (bool): Mounted and usable.
        name (str): Display name (from the manifest).
        total_usage (int): Metered actions performed, all tenants.
        updated_at (datetime.datetime): Last change.
        version (str): Version (from the manifest).
    """

    active_users: int
    app_id: str
    beta: bool
    coming_soon: bool
    dashboard_order: int
    enabled: bool
    name: str
    total_usage: int
    updated_at: datetime.datetime
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_users = self.active_users

        app_id = self.app_id

        beta = self.beta

        coming_soon = self.coming_soon

        dashboard_order = self.dashboard_order

        enabled = self.enabled

        name = self.name

        total_usage = self.total_usage

        updated_at = self.updated_at.isoformat()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activeUsers": active_users,
                "appId": app_id,
                "beta": beta,
                "comingSoon": coming_soon,
                "dashboardOrder": dashboard_order,
                "enabled": enabled,
                "name": name,
                "totalUsage": total_usage,
                "updatedAt": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active_users = d.pop("activeUsers")

        app_id = d.pop("appId")

        beta = d.pop("beta")

        coming_soon = d.pop("comingSoon")

        dashboard_order = d.pop("dashboardOrder")

        enabled = d.pop("enabled")

        name = d.pop("name")

        total_usage = d.pop("totalUsage")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        version = d.pop("version")

        app_record = cls(
            active_users=active_users,
            app_id=app_id,
            beta=beta,
            coming_soon=coming_soon,
            dashboard_order=dashboard_order,
            enabled=enabled,
            name=name,
            total_usage=total_usage,
            updated_at=updated_at,
            version=version,
        )

        app_record.additional_properties = d
        return app_record

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
