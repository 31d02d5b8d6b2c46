from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_manager_uploader import FileManagerUploader


T = TypeVar("T", bound="FileManagerFileInfo")


@_attrs_define
class FileManagerFileInfo:
    """A file.

    Attributes:
        content_type (str): Its type, sniffed from its content.
        created_at (datetime.datetime): Uploaded at.
        has_thumbnail (bool): Whether a thumbnail was made (an image).
        id (UUID): Id.
        name (str): Name.
        sha256 (str): The SHA-256 of its content, in hex.
        size (int): Length in bytes.
        updated_at (datetime.datetime): Last renamed, moved, trashed or restored.
        uploaded_by (FileManagerUploader): Who uploaded a file.
        declared_type (None | str | Unset): The type the uploader's client declared, kept for reference only.
        folder_id (None | Unset | UUID): The folder it is in; null at the top.
        trashed_at (datetime.datetime | None | Unset): When it went to the trash; null outside it.
    """

    content_type: str
    created_at: datetime.datetime
    has_thumbnail: bool
    id: UUID
    name: str
    sha256: str
    size: int
    updated_at: datetime.datetime
    uploaded_by: FileManagerUploader
    declared_type: None | str | Unset = UNSET
    folder_id: None | Unset | UUID = UNSET
    trashed_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        content_type = self.content_type

        created_at = self.created_at.isoformat()

        has_thumbnail = self.has_thumbnail

        id = str(self.id)

        name = self.name

        sha256 = self.sha256

        size = self.size

        updated_at = self.updated_at.isoformat()

        uploaded_by = self.uploaded_by.to_dict()

        declared_type: None | str | Unset
        if isinstance(self.declared_type, Unset):
            declared_type = UNSET
        else:
            declared_type = self.declared_type

        folder_id: None | str | Unset
        if isinstance(self.folder_id, Unset):
            folder_id = UNSET
        elif isinstance(self.folder_id, UUID):
            folder_id = str(self.folder_id)
        else:
            folder_id = self.folder_id

        trashed_at: None | str | Unset
        if isinstance(self.trashed_at, Unset):
            trashed_at = UNSET
        elif isinstance(self.trashed_at, datetime.datetime):
            trashed_at = self.trashed_at.isoformat()
        else:
            trashed_at = self.trashed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "contentType": content_type,
                "createdAt": created_at,
                "hasThumbnail": has_thumbnail,
                "id": id,
                "name": name,
                "sha256": sha256,
                "size": size,
                "updatedAt": updated_at,
                "uploadedBy": uploaded_by,
            }
        )
        if declared_type is not UNSET:
            field_dict["declaredType"] = declared_type
        if folder_id is not UNSET:
            field_dict["folderId"] = folder_id
        if trashed_at is not UNSET:
            field_dict["trashedAt"] = trashed_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_manager_uploader import FileManagerUploader

        d = dict(src_dict)
        content_type = d.pop("contentType")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        has_thumbnail = d.pop("hasThumbnail")

        id = UUID(d.pop("id"))

        name = d.pop("name")

        sha256 = d.pop("sha256")

        size = d.pop("size")

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        uploaded_by = FileManagerUploader.from_dict(d.pop("uploadedBy"))

        def _parse_declared_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        declared_type = _parse_declared_type(d.pop("declaredType", UNSET))

        def _parse_folder_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                folder_id_type_0 = UUID(data)

                return folder_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        folder_id = _parse_folder_id(d.pop("folderId", UNSET))

        def _parse_trashed_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                trashed_at_type_0 = datetime.datetime.fromisoformat(data)

                return trashed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        trashed_at = _parse_trashed_at(d.pop("trashedAt", UNSET))

        file_manager_file_info = cls(
            content_type=content_type,
            created_at=created_at,
            has_thumbnail=has_thumbnail,
            id=id,
            name=name,
            sha256=sha256,
            size=size,
            updated_at=updated_at,
            uploaded_by=uploaded_by,
            declared_type=declared_type,
            folder_id=folder_id,
            trashed_at=trashed_at,
        )

        file_manager_file_info.additional_properties = d
        return file_manager_file_info

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
