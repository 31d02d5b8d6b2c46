from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TaskSchedulerStats")


@_attrs_define
class TaskSchedulerStats:
    """The dashboard card's figures.

    Attributes:
        active_tasks (int): Tasks not paused.
        total_tasks (int): Tasks.
        unread_notifications (int): The caller's unread reminders.
    """

    active_tasks: int
    total_tasks: int
    unread_notifications: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_tasks = self.active_tasks

        total_tasks = self.total_tasks

        unread_notifications = self.unread_notifications

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activeTasks": active_tasks,
                "totalTasks": total_tasks,
                "unreadNotifications": unread_notifications,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active_tasks = d.pop("activeTasks")

        total_tasks = d.pop("totalTasks")

        unread_notifications = d.pop("unreadNotifications")

        task_scheduler_stats = cls(
            active_tasks=active_tasks,
            total_tasks=total_tasks,
            unread_notifications=unread_notifications,
        )

        task_scheduler_stats.additional_properties = d
        return task_scheduler_stats

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
