from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FileManagerStats")


@_attrs_define
class FileManagerStats:
    """The dashboard card's figures.

    Attributes:
        files (int): Files outside the trash.
        quota_bytes (int): The plan's quota.
        used_bytes (int): Bytes in use.
    """

    files: int
    quota_bytes: int
    used_bytes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        files = self.files

        quota_bytes = self.quota_bytes

        used_bytes = self.used_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "files": files,
                "quotaBytes": quota_bytes,
                "usedBytes": used_bytes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        files = d.pop("files")

        quota_bytes = d.pop("quotaBytes")

        used_bytes = d.pop("usedBytes")

        file_manager_stats = cls(
            files=files,
            quota_bytes=quota_bytes,
            used_bytes=used_bytes,
        )

        file_manager_stats.additional_properties = d
        return file_manager_stats

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
