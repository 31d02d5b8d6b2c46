from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_dashboard_bucket import AnalyticsDashboardBucket
from ..models.analytics_dashboard_chart import AnalyticsDashboardChart
from ..types import UNSET, Unset

T = TypeVar("T", bound="AnalyticsDashboardNewExport")


@_attrs_define
class AnalyticsDashboardNewExport:
    """What to export.

    Attributes:
        chart (AnalyticsDashboardChart): The charts (and their tables and exports).
        bucket (AnalyticsDashboardBucket | None | Unset):
        from_ (datetime.date | None | Unset):
        to (datetime.date | None | Unset):
    """

    chart: AnalyticsDashboardChart
    bucket: AnalyticsDashboardBucket | None | Unset = UNSET
    from_: datetime.date | None | Unset = UNSET
    to: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        chart = self.chart.value

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
                "chart": chart,
            }
        )
        if bucket is not UNSET:
            field_dict["bucket"] = bucket
        if from_ is not UNSET:
            field_dict["from"] = from_
        if to is not UNSET:
            field_dict["to"] = to

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        chart = AnalyticsDashboardChart(d.pop("chart"))

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

        analytics_dashboard_new_export = cls(
            chart=chart,
            bucket=bucket,
            from_=from_,
            to=to,
        )

        analytics_dashboard_new_export.additional_properties = d
        return analytics_dashboard_new_export

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
