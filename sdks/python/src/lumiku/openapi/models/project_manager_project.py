from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.project_manager_task import ProjectManagerTask


T = TypeVar("T", bound="ProjectManagerProject")


@_attrs_define
class ProjectManagerProject:
    """A project.

    Attributes:
        created_at (datetime.datetime): When.
        created_by (UUID): Who made it.
        id (UUID): Id.
        name (str): Name.
        status (str): `active`, `completed` or `archived`.
        tasks (list[ProjectManagerTask]): Its tasks, newest first (in listings and reads).
        updated_at (datetime.datetime): Last change.
        description (None | str | Unset): Description.
        due_date (datetime.datetime | None | Unset): Due date.
    """

    created_at: datetime.datetime
    created_by: UUID
    id: UUID
    name: str
    status: str
    tasks: list[ProjectManagerTask]
    updated_at: datetime.datetime
    description: None | str | Unset = UNSET
    due_date: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        created_by = str(self.created_by)

        id = str(self.id)

        name = self.name

        status = self.status

        tasks = []
        for tasks_item_data in self.tasks:
            tasks_item = tasks_item_data.to_dict()
            tasks.append(tasks_item)

        updated_at = self.updated_at.isoformat()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        due_date: None | str | Unset
        if isinstance(self.due_date, Unset):
            due_date = UNSET
        elif isinstance(self.due_date, datetime.datetime):
            due_date = self.due_date.isoformat()
        else:
            due_date = self.due_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "createdBy": created_by,
                "id": id,
                "name": name,
                "status": status,
                "tasks": tasks,
                "updatedAt": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if due_date is not UNSET:
            field_dict["dueDate"] = due_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_manager_task import ProjectManagerTask

        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        created_by = UUID(d.pop("createdBy"))

        id = UUID(d.pop("id"))

        name = d.pop("name")

        status = d.pop("status")

        tasks = []
        _tasks = d.pop("tasks")
        for tasks_item_data in _tasks:
            tasks_item = ProjectManagerTask.from_dict(tasks_item_data)

            tasks.append(tasks_item)

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_due_date(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_date_type_0 = datetime.datetime.fromisoformat(data)

                return due_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        due_date = _parse_due_date(d.pop("dueDate", UNSET))

        project_manager_project = cls(
            created_at=created_at,
            created_by=created_by,
            id=id,
            name=name,
            status=status,
            tasks=tasks,
            updated_at=updated_at,
            description=description,
            due_date=due_date,
        )

        project_manager_project.additional_properties = d
        return project_manager_project

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
