from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.file_manager_storage_usage import FileManagerStorageUsage


T = TypeVar("T", bound="FileManagerUsageBody")


@_attrs_define
class FileManagerUsageBody:
    """The tenant's storage.

    Attributes:
        file_bytes (int): Their bytes.
        files (int): Files outside the trash.
        max_upload_bytes (int): The most one upload may hold.
        storage (FileManagerStorageUsage): A tenant's storage: bytes in use and the plan's quota.
        trashed_files (int): Files in the trash.
    """

    file_bytes: int
    files: int
    max_upload_bytes: int
    storage: FileManagerStorageUsage
    trashed_files: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file_bytes = self.file_bytes

        files = self.files

        max_upload_bytes = self.max_upload_bytes

        storage = self.storage.to_dict()

        trashed_files = self.trashed_files

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fileBytes": file_bytes,
                "files": files,
                "maxUploadBytes": max_upload_bytes,
                "storage": storage,
                "trashedFiles": trashed_files,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_manager_storage_usage import FileManagerStorageUsage

        d = dict(src_dict)
        file_bytes = d.pop("fileBytes")

        files = d.pop("files")

        max_upload_bytes = d.pop("maxUploadBytes")

        storage = FileManagerStorageUsage.from_dict(d.pop("storage"))

        trashed_files = d.pop("trashedFiles")

        file_manager_usage_body = cls(
            file_bytes=file_bytes,
            files=files,
            max_upload_bytes=max_upload_bytes,
            storage=storage,
            trashed_files=trashed_files,
        )

        file_manager_usage_body.additional_properties = d
        return file_manager_usage_body

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
