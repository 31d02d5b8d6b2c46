from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AnalyticsDashboardStats")


@_attrs_define
class AnalyticsDashboardStats:
    """Figures for the dashboard card.

    Attributes:
        spent_last_30_days (int): Credits spent in the last 30 days.
        days_left (int | None | Unset): Days the balance lasts at the last 14 days' rate; null when nothing is spent.
    """

    spent_last_30_days: int
    days_left: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        spent_last_30_days = self.spent_last_30_days

        days_left: int | None | Unset
        if isinstance(self.days_left, Unset):
            days_left = UNSET
        else:
            days_left = self.days_left

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "spentLast30Days": spent_last_30_days,
            }
        )
        if days_left is not UNSET:
            field_dict["daysLeft"] = days_left

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        spent_last_30_days = d.pop("spentLast30Days")

        def _parse_days_left(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_left = _parse_days_left(d.pop("daysLeft", UNSET))

        analytics_dashboard_stats = cls(
            spent_last_30_days=spent_last_30_days,
            days_left=days_left,
        )

        analytics_dashboard_stats.additional_properties = d
        return analytics_dashboard_stats

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
