from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.file_manager_file_info import FileManagerFileInfo
    from ..models.file_manager_folder import FileManagerFolder


T = TypeVar("T", bound="FileManagerListing")


@_attrs_define
class FileManagerListing:
    """A folder's contents.

    Attributes:
        files (list[FileManagerFileInfo]): Its files outside the trash, by name.
        folders (list[FileManagerFolder]): Its folders, by name.
        path (list[FileManagerFolder]): The folders from the top down to it.
        folder (FileManagerFolder | None | Unset):
    """

    files: list[FileManagerFileInfo]
    folders: list[FileManagerFolder]
    path: list[FileManagerFolder]
    folder: FileManagerFolder | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.file_manager_folder import FileManagerFolder

        files = []
        for files_item_data in self.files:
            files_item = files_item_data.to_dict()
            files.append(files_item)

        folders = []
        for folders_item_data in self.folders:
            folders_item = folders_item_data.to_dict()
            folders.append(folders_item)

        path = []
        for path_item_data in self.path:
            path_item = path_item_data.to_dict()
            path.append(path_item)

        folder: dict[str, Any] | None | Unset
        if isinstance(self.folder, Unset):
            folder = UNSET
        elif isinstance(self.folder, FileManagerFolder):
            folder = self.folder.to_dict()
        else:
            folder = self.folder

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "files": files,
                "folders": folders,
                "path": path,
            }
        )
        if folder is not UNSET:
            field_dict["folder"] = folder

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.file_manager_file_info import FileManagerFileInfo
        from ..models.file_manager_folder import FileManagerFolder

        d = dict(src_dict)
        files = []
        _files = d.pop("files")
        for files_item_data in _files:
            files_item = FileManagerFileInfo.from_dict(files_item_data)

            files.append(files_item)

        folders = []
        _folders = d.pop("folders")
        for folders_item_data in _folders:
            folders_item = FileManagerFolder.from_dict(folders_item_data)

            folders.append(folders_item)

        path = []
        _path = d.pop("path")
        for path_item_data in _path:
            path_item = FileManagerFolder.from_dict(path_item_data)

            path.append(path_item)

        def _parse_folder(data: object) -> FileManagerFolder | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                folder_type_0 = FileManagerFolder.from_dict(data)

                return folder_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FileManagerFolder | None | Unset, data)

        folder = _parse_folder(d.pop("folder", UNSET))

        file_manager_listing = cls(
            files=files,
            folders=folders,
            path=path,
            folder=folder,
        )

        file_manager_listing.additional_properties = d
        return file_manager_listing

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
