from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.project_manager_stats import ProjectManagerStats


T = TypeVar("T", bound="ProjectManagerStatsBody")


@_attrs_define
class ProjectManagerStatsBody:
    """The tenant's counts.

    Attributes:
        stats (ProjectManagerStats): Project counts of a tenant.
    """

    stats: ProjectManagerStats
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        stats = self.stats.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "stats": stats,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.project_manager_stats import ProjectManagerStats

        d = dict(src_dict)
        stats = ProjectManagerStats.from_dict(d.pop("stats"))

        project_manager_stats_body = cls(
            stats=stats,
        )

        project_manager_stats_body.additional_properties = d
        return project_manager_stats_body

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
