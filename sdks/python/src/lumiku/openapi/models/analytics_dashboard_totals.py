from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AnalyticsDashboardTotals")


@_attrs_define
class AnalyticsDashboardTotals:
    """The range's totals.

    Attributes:
        actions (int):
        active_members (int): Distinct members who took an action in the range.
        credits_ (int):
        credits_in (int): Credits added in the range (purchases, grants, bonuses, refunds).
    """

    actions: int
    active_members: int
    credits_: int
    credits_in: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actions = self.actions

        active_members = self.active_members

        credits_ = self.credits_

        credits_in = self.credits_in

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actions": actions,
                "activeMembers": active_members,
                "credits": credits_,
                "creditsIn": credits_in,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        actions = d.pop("actions")

        active_members = d.pop("activeMembers")

        credits_ = d.pop("credits")

        credits_in = d.pop("creditsIn")

        analytics_dashboard_totals = cls(
            actions=actions,
            active_members=active_members,
            credits_=credits_,
            credits_in=credits_in,
        )

        analytics_dashboard_totals.additional_properties = d
        return analytics_dashboard_totals

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
