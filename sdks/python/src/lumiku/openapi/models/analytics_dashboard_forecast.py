from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AnalyticsDashboardForecast")


@_attrs_define
class AnalyticsDashboardForecast:
    """When the credits run out at the recent rate.

    Attributes:
        balance (int): The balance now.
        days (int): The days that rate covers.
        spent_recently (int): Credits spent over the last 14 days up to today.
        days_left (int | None | Unset): Whole days the balance lasts at that rate; null when nothing is being spent.
        runs_out_on (datetime.date | None | Unset): The day it runs out; null when nothing is being spent.
    """

    balance: int
    days: int
    spent_recently: int
    days_left: int | None | Unset = UNSET
    runs_out_on: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        balance = self.balance

        days = self.days

        spent_recently = self.spent_recently

        days_left: int | None | Unset
        if isinstance(self.days_left, Unset):
            days_left = UNSET
        else:
            days_left = self.days_left

        runs_out_on: None | str | Unset
        if isinstance(self.runs_out_on, Unset):
            runs_out_on = UNSET
        elif isinstance(self.runs_out_on, datetime.date):
            runs_out_on = self.runs_out_on.isoformat()
        else:
            runs_out_on = self.runs_out_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "balance": balance,
                "days": days,
                "spentRecently": spent_recently,
            }
        )
        if days_left is not UNSET:
            field_dict["daysLeft"] = days_left
        if runs_out_on is not UNSET:
            field_dict["runsOutOn"] = runs_out_on

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        balance = d.pop("balance")

        days = d.pop("days")

        spent_recently = d.pop("spentRecently")

        def _parse_days_left(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        days_left = _parse_days_left(d.pop("daysLeft", UNSET))

        def _parse_runs_out_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                runs_out_on_type_0 = datetime.date.fromisoformat(data)

                return runs_out_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        runs_out_on = _parse_runs_out_on(d.pop("runsOutOn", UNSET))

        analytics_dashboard_forecast = cls(
            balance=balance,
            days=days,
            spent_recently=spent_recently,
            days_left=days_left,
            runs_out_on=runs_out_on,
        )

        analytics_dashboard_forecast.additional_properties = d
        return analytics_dashboard_forecast

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
