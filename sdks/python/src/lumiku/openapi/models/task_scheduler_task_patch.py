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


T = TypeVar("T", bound="TaskSchedulerTaskPatch")


@_attrs_define
class TaskSchedulerTaskPatch:
    """Changes to a task; what is left out stays.

    Attributes:
        action (None | TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder | Unset):
        enabled (bool | None | Unset): Paused or not.
        name (str | Unset):
        schedule (None | TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce | Unset):
    """

    action: None | TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    name: str | Unset = UNSET
    schedule: None | TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
        from ..models.task_scheduler_task_action_reminder import TaskSchedulerTaskActionReminder
        from ..models.task_scheduler_task_schedule_cron import TaskSchedulerTaskScheduleCron
        from ..models.task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce

        action: dict[str, Any] | None | Unset
        if isinstance(self.action, Unset):
            action = UNSET
        elif isinstance(self.action, TaskSchedulerTaskActionHttp) or isinstance(
            self.action, TaskSchedulerTaskActionReminder
        ):
            action = self.action.to_dict()
        else:
            action = self.action

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        name = self.name

        schedule: dict[str, Any] | None | Unset
        if isinstance(self.schedule, Unset):
            schedule = UNSET
        elif isinstance(self.schedule, TaskSchedulerTaskScheduleOnce) or isinstance(
            self.schedule, TaskSchedulerTaskScheduleCron
        ):
            schedule = self.schedule.to_dict()
        else:
            schedule = self.schedule

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if name is not UNSET:
            field_dict["name"] = name
        if schedule is not UNSET:
            field_dict["schedule"] = schedule

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
        from ..models.task_scheduler_task_action_reminder import TaskSchedulerTaskActionReminder
        from ..models.task_scheduler_task_schedule_cron import TaskSchedulerTaskScheduleCron
        from ..models.task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce

        d = dict(src_dict)

        def _parse_action(data: object) -> None | TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_scheduler_task_action_type_0 = TaskSchedulerTaskActionHttp.from_dict(data)

                return componentsschemas_task_scheduler_task_action_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_scheduler_task_action_type_1 = TaskSchedulerTaskActionReminder.from_dict(data)

                return componentsschemas_task_scheduler_task_action_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder | Unset, data)

        action = _parse_action(d.pop("action", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        name = d.pop("name", UNSET)

        def _parse_schedule(
            data: object,
        ) -> None | TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_scheduler_task_schedule_type_0 = TaskSchedulerTaskScheduleOnce.from_dict(data)

                return componentsschemas_task_scheduler_task_schedule_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_task_scheduler_task_schedule_type_1 = TaskSchedulerTaskScheduleCron.from_dict(data)

                return componentsschemas_task_scheduler_task_schedule_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce | Unset, data)

        schedule = _parse_schedule(d.pop("schedule", UNSET))

        task_scheduler_task_patch = cls(
            action=action,
            enabled=enabled,
            name=name,
            schedule=schedule,
        )

        task_scheduler_task_patch.additional_properties = d
        return task_scheduler_task_patch

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
