from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageTotal")


@_attrs_define
class UsageTotal:
    """Usage totals of one app action.

    Attributes:
        action (str): The action.
        app_id (str): The app.
        count (int): How many times.
        credits_ (int): Credits spent.
    """

    action: str
    app_id: str
    count: int
    credits_: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        app_id = self.app_id

        count = self.count

        credits_ = self.credits_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "appId": app_id,
                "count": count,
                "credits": credits_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action = d.pop("action")

        app_id = d.pop("appId")

        count = d.pop("count")

        credits_ = d.pop("credits")

        usage_total = cls(
            action=action,
            app_id=app_id,
            count=count,
            credits_=credits_,
        )

        usage_total.additional_properties = d
        return usage_total

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
