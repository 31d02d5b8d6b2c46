from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProjectManagerStats")


@_attrs_define
class ProjectManagerStats:
    """Project counts of a tenant.

    Attributes:
        active_projects (int): Active ones.
        archived_projects (int): Archived ones.
        completed_projects (int): Completed ones.
        completed_tasks (int): Completed tasks.
        total_projects (int): All projects.
        total_tasks (int): All tasks.
    """

    active_projects: int
    archived_projects: int
    completed_projects: int
    completed_tasks: int
    total_projects: int
    total_tasks: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active_projects = self.active_projects

        archived_projects = self.archived_projects

        completed_projects = self.completed_projects

        completed_tasks = self.completed_tasks

        total_projects = self.total_projects

        total_tasks = self.total_tasks

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "activeProjects": active_projects,
                "archivedProjects": archived_projects,
                "completedProjects": completed_projects,
                "completedTasks": completed_tasks,
                "totalProjects": total_projects,
                "totalTasks": total_tasks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active_projects = d.pop("activeProjects")

        archived_projects = d.pop("archivedProjects")

        completed_projects = d.pop("completedProjects")

        completed_tasks = d.pop("completedTasks")

        total_projects = d.pop("totalProjects")

        total_tasks = d.pop("totalTasks")

        project_manager_stats = cls(
            active_projects=active_projects,
            archived_projects=archived_projects,
            completed_projects=completed_projects,
            completed_tasks=completed_tasks,
            total_projects=total_projects,
            total_tasks=total_tasks,
        )

        project_manager_stats.additional_properties = d
        return project_manager_stats

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
