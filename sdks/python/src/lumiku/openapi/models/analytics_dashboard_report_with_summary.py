from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.analytics_dashboard_report import AnalyticsDashboardReport
    from ..models.analytics_dashboard_summary import AnalyticsDashboardSummary


T = TypeVar("T", bound="AnalyticsDashboardReportWithSummary")


@_attrs_define
class AnalyticsDashboardReportWithSummary:
    """A saved report with its figures as of today.

    Attributes:
        report (AnalyticsDashboardReport): A saved report: a named range and bucket, opened at any time with today's
            figures.
        summary (AnalyticsDashboardSummary): Everything the dashboard shows for a range.
    """

    report: AnalyticsDashboardReport
    summary: AnalyticsDashboardSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        report = self.report.to_dict()

        summary = self.summary.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "report": report,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.analytics_dashboard_report import AnalyticsDashboardReport
        from ..models.analytics_dashboard_summary import AnalyticsDashboardSummary

        d = dict(src_dict)
        report = AnalyticsDashboardReport.from_dict(d.pop("report"))

        summary = AnalyticsDashboardSummary.from_dict(d.pop("summary"))

        analytics_dashboard_report_with_summary = cls(
            report=report,
            summary=summary,
        )

        analytics_dashboard_report_with_summary.additional_properties = d
        return analytics_dashboard_report_with_summary

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
