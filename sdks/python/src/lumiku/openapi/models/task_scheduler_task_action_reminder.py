from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_scheduler_task_action_reminder_type import TaskSchedulerTaskActionReminderType

T = TypeVar("T", bound="TaskSchedulerTaskActionReminder")


@_attrs_define
class TaskSchedulerTaskActionReminder:
    """An in-app notification to chosen members of the tenant.

    Attributes:
        message (str):
        recipients (list[UUID]): The members to notify (1 to 50), members of the tenant.
        type_ (TaskSchedulerTaskActionReminderType):
    """

    message: str
    recipients: list[UUID]
    type_: TaskSchedulerTaskActionReminderType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        recipients = []
        for recipients_item_data in self.recipients:
            recipients_item = str(recipients_item_data)
            recipients.append(recipients_item)

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
                "recipients": recipients,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        message = d.pop("message")

        recipients = []
        _recipients = d.pop("recipients")
        for recipients_item_data in _recipients:
            recipients_item = UUID(recipients_item_data)

            recipients.append(recipients_item)

        type_ = TaskSchedulerTaskActionReminderType(d.pop("type"))

        task_scheduler_task_action_reminder = cls(
            message=message,
            recipients=recipients,
            type_=type_,
        )

        task_scheduler_task_action_reminder.additional_properties = d
        return task_scheduler_task_action_reminder

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
