from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProjectManagerTask")


@_attrs_define
class ProjectManagerTask:
    """A task of a project.

    Attributes:
        completed (bool): Done.
        created_at (datetime.datetime): When.
        id (UUID): Id.
        priority (str): `low`, `medium` or `high`.
        project_id (UUID): Its project.
        title (str): Title.
        updated_at (datetime.datetime): Last change.
    """

    completed: bool
    created_at: datetime.datetime
    id: UUID
    priority: str
    project_id: UUID
    title: str
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed = self.completed

        created_at = self.created_at.isoformat()

        id = str(self.id)

        priority = self.priority

        project_id = str(self.project_id)

        title = self.title

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "completed": completed,
                "createdAt": created_at,
                "id": id,
                "priority": priority,
                "projectId": project_id,
                "title": title,
                "updatedAt": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        completed = d.pop("completed")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = UUID(d.pop("id"))

        priority = d.pop("priority")

        project_id = UUID(d.pop("projectId"))

        title = d.pop("title")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        project_manager_task = cls(
            completed=completed,
            created_at=created_at,
            id=id,
            priority=priority,
            project_id=project_id,
            title=title,
            updated_at=updated_at,
        )

        project_manager_task.additional_properties = d
        return project_manager_task

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
