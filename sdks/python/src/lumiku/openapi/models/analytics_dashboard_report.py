from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_dashboard_bucket import AnalyticsDashboardBucket
from ..types import UNSET, Unset

T = TypeVar("T", bound="AnalyticsDashboardReport")


@_attrs_define
class AnalyticsDashboardReport:
    """A saved report: a named range and bucket, opened at any time with today's figures.

    Attributes:
        bucket (AnalyticsDashboardBucket): The size of a bucket.
        created_at (datetime.datetime):
        id (UUID):
        name (str):
        from_ (None | str | Unset): Fixed first day.
        last_days (int | None | Unset): The last N days up to the day it is opened (with no fixed dates).
        to (None | str | Unset): Fixed last day.
    """

    bucket: AnalyticsDashboardBucket
    created_at: datetime.datetime
    id: UUID
    name: str
    from_: None | str | Unset = UNSET
    last_days: int | None | Unset = UNSET
    to: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket.value

        created_at = self.created_at.isoformat()

        id = str(self.id)

        name = self.name

        from_: None | str | Unset
        if isinstance(self.from_, Unset):
            from_ = UNSET
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
        else:
            to = self.to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bucket": bucket,
                "createdAt": created_at,
                "id": id,
                "name": name,
            }
        )
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
        bucket = AnalyticsDashboardBucket(d.pop("bucket"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        def _parse_from_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        from_ = _parse_from_(d.pop("from", UNSET))

        def _parse_last_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_days = _parse_last_days(d.pop("lastDays", UNSET))

        def _parse_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        to = _parse_to(d.pop("to", UNSET))

        analytics_dashboard_report = cls(
            bucket=bucket,
            created_at=created_at,
            id=id,
            name=name,
            from_=from_,
            last_days=last_days,
            to=to,
        )

        analytics_dashboard_report.additional_properties = d
        return analytics_dashboard_report

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
