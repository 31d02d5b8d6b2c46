from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.analytics_dashboard_bucket import AnalyticsDashboardBucket

if TYPE_CHECKING:
    from ..models.analytics_dashboard_forecast import AnalyticsDashboardForecast
    from ..models.analytics_dashboard_point import AnalyticsDashboardPoint
    from ..models.analytics_dashboard_slice import AnalyticsDashboardSlice
    from ..models.analytics_dashboard_totals import AnalyticsDashboardTotals


T = TypeVar("T", bound="AnalyticsDashboardSummary")


@_attrs_define
class AnalyticsDashboardSummary:
    """Everything the dashboard shows for a range.

    Attributes:
        bucket (AnalyticsDashboardBucket): The size of a bucket.
        by_action (list[AnalyticsDashboardSlice]): By action, most spent first: the top actions.
        by_app (list[AnalyticsDashboardSlice]): By app, most spent first.
        by_member (list[AnalyticsDashboardSlice]): By member, most spent first.
        forecast (AnalyticsDashboardForecast): When the credits run out at the recent rate.
        from_ (datetime.date):
        series (list[AnalyticsDashboardPoint]): Every bucket of the range, zeros included.
        to (datetime.date):
        totals (AnalyticsDashboardTotals): The range's totals.
    """

    bucket: AnalyticsDashboardBucket
    by_action: list[AnalyticsDashboardSlice]
    by_app: list[AnalyticsDashboardSlice]
    by_member: list[AnalyticsDashboardSlice]
    forecast: AnalyticsDashboardForecast
    from_: datetime.date
    series: list[AnalyticsDashboardPoint]
    to: datetime.date
    totals: AnalyticsDashboardTotals
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket.value

        by_action = []
        for by_action_item_data in self.by_action:
            by_action_item = by_action_item_data.to_dict()
            by_action.append(by_action_item)

        by_app = []
        for by_app_item_data in self.by_app:
            by_app_item = by_app_item_data.to_dict()
            by_app.append(by_app_item)

        by_member = []
        for by_member_item_data in self.by_member:
            by_member_item = by_member_item_data.to_dict()
            by_member.append(by_member_item)

        forecast = self.forecast.to_dict()

        from_ = self.from_.isoformat()

        series = []
        for series_item_data in self.series:
            series_item = series_item_data.to_dict()
            series.append(series_item)

        to = self.to.isoformat()

        totals = self.totals.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bucket": bucket,
                "byAction": by_action,
                "byApp": by_app,
                "byMember": by_member,
                "forecast": forecast,
                "from": from_,
                "series": series,
                "to": to,
                "totals": totals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.analytics_dashboard_forecast import AnalyticsDashboardForecast
        from ..models.analytics_dashboard_point import AnalyticsDashboardPoint
        from ..models.analytics_dashboard_slice import AnalyticsDashboardSlice
        from ..models.analytics_dashboard_totals import AnalyticsDashboardTotals

        d = dict(src_dict)
        bucket = AnalyticsDashboardBucket(d.pop("bucket"))

        by_action = []
        _by_action = d.pop("byAction")
        for by_action_item_data in _by_action:
            by_action_item = AnalyticsDashboardSlice.from_dict(by_action_item_data)

            by_action.append(by_action_item)

        by_app = []
        _by_app = d.pop("byApp")
        for by_app_item_data in _by_app:
            by_app_item = AnalyticsDashboardSlice.from_dict(by_app_item_data)

            by_app.append(by_app_item)

        by_member = []
        _by_member = d.pop("byMember")
        for by_member_item_data in _by_member:
            by_member_item = AnalyticsDashboardSlice.from_dict(by_member_item_data)

            by_member.append(by_member_item)

        forecast = AnalyticsDashboardForecast.from_dict(d.pop("forecast"))

        from_ = datetime.date.fromisoformat(d.pop("from"))

        series = []
        _series = d.pop("series")
        for series_item_data in _series:
            series_item = AnalyticsDashboardPoint.from_dict(series_item_data)

            series.append(series_item)

        to = datetime.date.fromisoformat(d.pop("to"))

        totals = AnalyticsDashboardTotals.from_dict(d.pop("totals"))

        analytics_dashboard_summary = cls(
            bucket=bucket,
            by_action=by_action,
            by_app=by_app,
            by_member=by_member,
            forecast=forecast,
            from_=from_,
            series=series,
            to=to,
            totals=totals,
        )

        analytics_dashboard_summary.additional_properties = d
        return analytics_dashboard_summary

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
