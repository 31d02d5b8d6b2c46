from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AnalyticsDashboardExport")


@_attrs_define
class AnalyticsDashboardExport:
    """A kept CSV export.

    Attributes:
        bucket (str):
        chart (str): The chart it is the table of.
        created_at (datetime.datetime):
        from_ (str):
        id (UUID):
        rows (int): Data rows (the header not counted).
        to (str):
    """

    bucket: str
    chart: str
    created_at: datetime.datetime
    from_: str
    id: UUID
    rows: int
    to: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket

        chart = self.chart

        created_at = self.created_at.isoformat()

        from_ = self.from_

        id = str(self.id)

        rows = self.rows

        to = self.to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bucket": bucket,
                "chart": chart,
                "createdAt": created_at,
                "from": from_,
                "id": id,
                "rows": rows,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        bucket = d.pop("bucket")

        chart = d.pop("chart")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        from_ = d.pop("from")

        id = UUID(d.pop("id"))

        rows = d.pop("rows")

        to = d.pop("to")

        analytics_dashboard_export = cls(
            bucket=bucket,
            chart=chart,
            created_at=created_at,
            from_=from_,
            id=id,
            rows=rows,
            to=to,
        )

        analytics_dashboard_export.additional_properties = d
        return analytics_dashboard_export

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
