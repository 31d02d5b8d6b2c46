from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
    from ..models.task_scheduler_task_action_reminder import TaskSchedulerTaskActionReminder
    from ..models.task_scheduler_task_schedule_cron import TaskSchedulerTaskScheduleCron
    from ..models.task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce


T = TypeVar("T", bound="TaskSchedulerTask")


@_attrs_define
class TaskSchedulerTask:
    """A task.

    Attributes:
        action (TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder): What a task does when it runs.
        created_at (datetime.datetime): When.
        created_by (UUID): Who created it.
        enabled (bool): False while paused.
        id (UUID): Id.
        name (str): Name.
        runs (int): How many runs it has had.
        schedule (TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce): When a task runs.
        updated_at (datetime.datetime): Last change.
        last_outcome (None | str | Unset): How its last run ended: `succeeded`, `failed` or `skipped`.
        last_run_at (datetime.datetime | None | Unset): When it last ran.
        next_run_at (datetime.datetime | None | Unset): The next due time, if it has one and is enabled.
    """

    action: TaskSchedulerTaskActionHttp | TaskSchedulerTaskActionReminder
    created_at: datetime.datetime
    created_by: UUID
    enabled: bool
    id: UUID
    name: str
    runs: int
    schedule: TaskSchedulerTaskScheduleCron | TaskSchedulerTaskScheduleOnce
    updated_at: datetime.datetime
    last_outcome: None | str | Unset = UNSET
    last_run_at: datetime.datetime | None | Unset = UNSET
    next_run_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.task_scheduler_task_action_http import TaskSchedulerTaskActionHttp
        from ..models.task_scheduler_task_schedule_once import TaskSchedulerTaskScheduleOnce

        action: dict[str, Any]
        if isinstance(self.action, TaskSchedulerTaskActionHttp):
            action = self.action.to_dict()
        else:
            action = self.action.to_dict()

        created_at = self.created_at.isoformat()

        created_by = str(self.created_by)

        enabled = self.enabled

        id = str(self.id)

        name = self.name

        runs = self.runs

        schedule: dict[str, Any]
        if isinstance(self.schedule, TaskSchedulerTaskScheduleOnce):
            schedule = self.schedule.to_dict()
        else:
            schedule = self.schedule.to_dict()

        updated_at = self.updated_at.isoformat()

        last_outcome: None | str | Unset
        if isinstance(self.last_outcome, Unset):
            last_outcome = UNSET
        else:
            last_outcome = self.last_outcome

        last_run_at: None | str | Unset
        if isinstance(self.last_run_at, Unset):
            last_run_at = UNSET
        elif isinstance(self.last_run_at, datetime.datetime):
            last_run_at = self.last_run_at.isoformat()
        else:
            last_run_at = self.last_run_at

        next_run_at: None | str | Unset
        if isinstance(self.next_run_at, Unset):
            next_run_at = UNSET
        elif isinstance(self.next_run_at, datetime.datetime):
            next_run_at = self.next_run_at.isoformat()
        else:
            next_run_at = self.next_run_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "createdAt": created_at,
                "createdBy": created_by,
                "enabled": enabled,
                "id": id,
                "name": name,
                "runs": runs,
                "schedule": schedule,
                "updatedAt": updated_at,
            }
        )
        if last_outcome is not UNSET:
            field_dict["lastOutcome"] = last_outcome
        if last_run_at is not UNSET:
            field_dict["lastRunAt"] = last_run_at
        if next_run_at is not UNSET:
            field_dict["nextRunAt"] = next_run_at

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

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        created_by = UUID(d.pop("createdBy"))

        enabled = d.pop("enabled")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        runs = d.pop("runs")

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

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_last_outcome(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        last_outcome = _parse_last_outcome(d.pop("lastOutcome", UNSET))

        def _parse_last_run_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_run_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_run_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        last_run_at = _parse_last_run_at(d.pop("lastRunAt", UNSET))

        def _parse_next_run_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_run_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_run_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        next_run_at = _parse_next_run_at(d.pop("nextRunAt", UNSET))

        task_scheduler_task = cls(
            action=action,
            created_at=created_at,
            created_by=created_by,
            enabled=enabled,
            id=id,
            name=name,
            runs=runs,
            schedule=schedule,
            updated_at=updated_at,
            last_outcome=last_outcome,
            last_run_at=last_run_at,
            next_run_at=next_run_at,
        )

        task_scheduler_task.additional_properties = d
        return task_scheduler_task

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
