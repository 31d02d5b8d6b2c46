from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.project_manager_project import ProjectManagerProject


T = TypeVar("T", bound="ProjectManagerProjectBody")


@_attrs_define
class ProjectManagerProjectBody:
    """One project.

    Attributes:
        project (ProjectManagerProject): A project.
    """

    project: ProjectManagerProject
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        project = self.project.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "project": project,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_manager_project import ProjectManagerProject

        d = dict(src_dict)
        project = ProjectManagerProject.from_dict(d.pop("project"))

        project_manager_project_body = cls(
            project=project,
        )

        project_manager_project_body.additional_properties = d
        return project_manager_project_body

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
