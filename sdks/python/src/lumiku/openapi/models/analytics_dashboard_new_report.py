from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_dashboard_bucket import AnalyticsDashboardBucket
from ..types import UNSET, Unset

T = TypeVar("T", bound="AnalyticsDashboardNewReport")


@_attrs_define
class AnalyticsDashboardNewReport:
    """A report as sent: a name and either `lastDays` or `from` and `to`.

    Attributes:
        name (str):
        bucket (AnalyticsDashboardBucket | None | Unset):
        from_ (datetime.date | None | Unset):
        last_days (int | None | Unset): 1 to 1100: the last N days up to the day it is opened.
        to (datetime.date | None | Unset):
    """

    name: str
    bucket: AnalyticsDashboardBucket | None | Unset = UNSET
    from_: datetime.date | None | Unset = UNSET
    last_days: int | None | Unset = UNSET
    to: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        bucket: None | str | Unset
        if isinstance(self.bucket, Unset):
            bucket = UNSET
        elif isinstance(self.bucket, AnalyticsDashboardBucket):
            bucket = self.bucket.value
        else:
            bucket = self.bucket

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
        elif isinstance(self.from_, datetime.date):
            from_ = self.from_.isoformat()
        else:
            from_ = self.from_

        last_days: int | None | Unset
        if isinstance(self.last_days, Unset):
            last_days = UNSET
        else:
            last_days = self.last_days

        to: None | str | Unset
        if isinstance(self.to, Unset):
            to = UNSET
        elif isinstance(self.to, datetime.date):
            to = self.to.isoformat()
        else:
            to = self.to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if from_ is not UNSET:
            field_dict["from"] = from_
        if last_days is not UNSET:
            field_dict["lastDays"] = last_days
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_bucket(data: object) -> AnalyticsDashboardBucket | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                bucket_type_0 = AnalyticsDashboardBucket(data)

                return bucket_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AnalyticsDashboardBucket | None | Unset, data)

        bucket = _parse_bucket(d.pop("bucket", UNSET))

        def _parse_from_(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                from_type_0 = datetime.date.fromisoformat(data)

                return from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        def _parse_last_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_days = _parse_last_days(d.pop("lastDays", UNSET))

        def _parse_to(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                to_type_0 = datetime.date.fromisoformat(data)

                return to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        analytics_dashboard_new_report = cls(
            name=name,
            bucket=bucket,
            from_=from_,
            last_days=last_days,
            to=to,
        )

        analytics_dashboard_new_report.additional_properties = d
        return analytics_dashboard_new_report

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
