from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AnalyticsDashboardPoint")


@_attrs_define
class AnalyticsDashboardPoint:
    """One bucket of the spending series.

    Attributes:
        actions (int): Metered actions taken.
        active_members (int): Members who took at least one.
        balance (int): The balance at the bucket's end.
        credits_ (int): Credits spent.
        label (str): `2026-03-09`, `2026-W11` or `2026-03`.
        start (datetime.date): Its first day.
    """

    actions: int
    active_members: int
    balance: int
    credits_: int
    label: str
    start: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actions = self.actions

        active_members = self.active_members

        balance = self.balance

        credits_ = self.credits_

        label = self.label

        start = self.start.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actions": actions,
                "activeMembers": active_members,
                "balance": balance,
                "credits": credits_,
                "label": label,
                "start": start,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        actions = d.pop("actions")

        active_members = d.pop("activeMembers")

        balance = d.pop("balance")

        credits_ = d.pop("credits")

        label = d.pop("label")

        start = datetime.date.fromisoformat(d.pop("start"))

        analytics_dashboard_point = cls(
            actions=actions,
            active_members=active_members,
            balance=balance,
            credits_=credits_,
            label=label,
            start=start,
        )

        analytics_dashboard_point.additional_properties = d
        return analytics_dashboard_point

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
