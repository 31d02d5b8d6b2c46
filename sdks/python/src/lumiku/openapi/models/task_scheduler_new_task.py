from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
    from ..models.task_scheduler_task_action_reminder import TaskSchedulerTaskActionReminder
    from ..models.task_scheduler_task_schedule_cron import TaskSchedulerTaskScheduleCron
    from ..models.task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce


T = TypeVar("T", bound="TaskSchedulerNewTask")


@_attrs_define
class TaskSchedulerNewTask:
    """A new task as sent.

    Attributes:
        action (TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder): What a task does when it runs.
        name (str):
        schedule (TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce): When a task runs.
        enabled (bool | None | Unset): False to create it paused (default true).
    """

    action: TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder
    name: str
    schedule: TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce
    enabled: bool | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
        from ..models.task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce

        action: dict[str, Any]
        if isinstance(self.action, TaskSchedulerTaskActionHttp):
            action = self.action.to_dict()
        else:
            action = self.action.to_dict()

        name = self.name

        schedule: dict[str, Any]
        if isinstance(self.schedule, TaskSchedulerTaskScheduleOnce):
            schedule = self.schedule.to_dict()
        else:
            schedule = self.schedule.to_dict()

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "name": name,
                "schedule": schedule,
            }
        )
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
        from ..models.task_scheduler_task_action_reminder import TaskSchedulerTaskActionReminder
        from ..models.task_scheduler_task_schedule_cron import TaskSchedulerTaskScheduleCron
        from ..models.task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce

        d = dict(src_dict)

        def _parse_action(data: object) -> TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_scheduler_task_action_type_0 = TaskSchedulerTaskActionHttp.from_dict(data)

                return componentsschemas_task_scheduler_task_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_task_scheduler_task_action_type_1 = TaskSchedulerTaskActionReminder.from_dict(data)

            return componentsschemas_task_scheduler_task_action_type_1

        action = _parse_action(d.pop("action"))

        name = d.pop("name")

        def _parse_schedule(data: object) -> TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_scheduler_task_schedule_type_0 = TaskSchedulerTaskScheduleOnce.from_dict(data)

                return componentsschemas_task_scheduler_task_schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_task_scheduler_task_schedule_type_1 = TaskSchedulerTaskScheduleCron.from_dict(data)

            return componentsschemas_task_scheduler_task_schedule_type_1

        schedule = _parse_schedule(d.pop("schedule"))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        task_scheduler_new_task = cls(
            action=action,
            name=name,
            schedule=schedule,
            enabled=enabled,
        )

        task_scheduler_new_task.additional_properties = d
        return task_scheduler_new_task

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
