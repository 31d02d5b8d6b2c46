from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AnalyticsDashboardSlice")


@_attrs_define
class AnalyticsDashboardSlice:
    """Spending grouped by one key (an app, an action, a member).

    Attributes:
        actions (int): Actions taken.
        credits_ (int): Credits spent.
        key (str): The app id, `app:action`, or the member's id.
        label (str): What the page shows.
    """

    actions: int
    credits_: int
    key: str
    label: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actions = self.actions

        credits_ = self.credits_

        key = self.key

        label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actions": actions,
                "credits": credits_,
                "key": key,
                "label": label,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        actions = d.pop("actions")

        credits_ = d.pop("credits")

        key = d.pop("key")

        label = d.pop("label")

        analytics_dashboard_slice = cls(
            actions=actions,
            credits_=credits_,
            key=key,
            label=label,
        )

        analytics_dashboard_slice.additional_properties = d
        return analytics_dashboard_slice

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
