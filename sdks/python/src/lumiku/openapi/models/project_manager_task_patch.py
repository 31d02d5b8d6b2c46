from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_manager_priority import ProjectManagerPriority
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProjectManagerTaskPatch")


@_attrs_define
class ProjectManagerTaskPatch:
    """A change to a task.

    Attributes:
        completed (bool | None | Unset): Done.
        priority (None | ProjectManagerPriority | Unset):
        title (str | Unset):
    """

    completed: bool | None | Unset = UNSET
    priority: None | ProjectManagerPriority | Unset = UNSET
    title: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        completed: bool | None | Unset
        if isinstance(self.completed, Unset):
            completed = UNSET
        else:
            completed = self.completed

        priority: None | str | Unset
        if isinstance(self.priority, Unset):
            priority = UNSET
        elif isinstance(self.priority, ProjectManagerPriority):
            priority = self.priority.value
        else:
            priority = self.priority

        title = self.title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if completed is not UNSET:
            field_dict["completed"] = completed
        if priority is not UNSET:
            field_dict["priority"] = priority
        if title is not UNSET:
            field_dict["title"] = title

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_completed(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        completed = _parse_completed(d.pop("completed", UNSET))

        def _parse_priority(data: object) -> None | ProjectManagerPriority | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                priority_type_0 = ProjectManagerPriority(data)

                return priority_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProjectManagerPriority | Unset, data)

        priority = _parse_priority(d.pop("priority", UNSET))

        title = d.pop("title", UNSET)

        project_manager_task_patch = cls(
            completed=completed,
            priority=priority,
            title=title,
        )

        project_manager_task_patch.additional_properties = d
        return project_manager_task_patch

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
