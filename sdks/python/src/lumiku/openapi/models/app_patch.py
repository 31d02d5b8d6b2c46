from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AppPatch")


@_attrs_define
class AppPatch:
    """An administrator's change to an app's state; absent fields stay.

    Attributes:
        beta (bool | None | Unset): Beta badge.
        coming_soon (bool | None | Unset): Coming soon.
        dashboard_order (int | None | Unset): Dashboard position.
        enabled (bool | None | Unset): Mount or unmount it.
    """

    beta: bool | None | Unset = UNSET
    coming_soon: bool | None | Unset = UNSET
    dashboard_order: int | None | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        beta: bool | None | Unset
        if isinstance(self.beta, Unset):
            beta = UNSET
        else:
            beta = self.beta

        coming_soon: bool | None | Unset
        if isinstance(self.coming_soon, Unset):
            coming_soon = UNSET
        else:
            coming_soon = self.coming_soon

        dashboard_order: int | None | Unset
        if isinstance(self.dashboard_order, Unset):
            dashboard_order = UNSET
        else:
            dashboard_order = self.dashboard_order

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if beta is not UNSET:
            field_dict["beta"] = beta
        if coming_soon is not UNSET:
            field_dict["comingSoon"] = coming_soon
        if dashboard_order is not UNSET:
            field_dict["dashboardOrder"] = dashboard_order
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_beta(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        beta = _parse_beta(d.pop("beta", UNSET))

        def _parse_coming_soon(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        coming_soon = _parse_coming_soon(d.pop("comingSoon", UNSET))

        def _parse_dashboard_order(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        dashboard_order = _parse_dashboard_order(d.pop("dashboardOrder", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        app_patch = cls(
            beta=beta,
            coming_soon=coming_soon,
            dashboard_order=dashboard_order,
            enabled=enabled,
        )

        app_patch.additional_properties = d
        return app_patch

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
