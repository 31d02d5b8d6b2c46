from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_scheduler_task_schedule_cron_type import TaskSchedulerTaskScheduleCronType

T = TypeVar("T", bound="TaskSchedulerTaskScheduleCron")


@_attrs_define
class TaskSchedulerTaskScheduleCron:
    """On a cron expression (5 fields, or 6 with seconds first) in a time zone.

    Attributes:
        expression (str): For example `0 9 * * MON-FRI`.
        time_zone (str): An IANA time zone, for example `Asia/Jakarta`.
        type_ (TaskSchedulerTaskScheduleCronType):
    """

    expression: str
    time_zone: str
    type_: TaskSchedulerTaskScheduleCronType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expression = self.expression

        time_zone = self.time_zone

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expression": expression,
                "timeZone": time_zone,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        expression = d.pop("expression")

        time_zone = d.pop("timeZone")

        type_ = TaskSchedulerTaskScheduleCronType(d.pop("type"))

        task_scheduler_task_schedule_cron = cls(
            expression=expression,
            time_zone=time_zone,
            type_=type_,
        )

        task_scheduler_task_schedule_cron.additional_properties = d
        return task_scheduler_task_schedule_cron

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
