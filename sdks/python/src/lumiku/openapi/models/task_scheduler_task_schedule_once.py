from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_scheduler_task_schedule_once_type import TaskSchedulerTaskScheduleOnceType

T = TypeVar("T", bound="TaskSchedulerTaskScheduleOnce")


@_attrs_define
class TaskSchedulerTaskScheduleOnce:
    """Once, at a time.

    Attributes:
        at (datetime.datetime): When (RFC 3339).
        type_ (TaskSchedulerTaskScheduleOnceType):
    """

    at: datetime.datetime
    type_: TaskSchedulerTaskScheduleOnceType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        type_ = TaskSchedulerTaskScheduleOnceType(d.pop("type"))

        task_scheduler_task_schedule_once = cls(
            at=at,
            type_=type_,
        )

        task_scheduler_task_schedule_once.additional_properties = d
        return task_scheduler_task_schedule_once

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
