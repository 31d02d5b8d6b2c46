from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FileManagerShareInfo")


@_attrs_define
class FileManagerShareInfo:
    """A share link.

    Attributes:
        created_at (datetime.datetime): When.
        created_by (UUID): Who made it.
        downloads (int): Downloads through it.
        expires_at (datetime.datetime): After this it answers 410.
        file_id (UUID): The file.
        has_password (bool): Whether it asks for a password.
        id (UUID): Id.
        revoked_at (datetime.datetime | None | Unset): When it was revoked; null while it works.
        url (None | str | Unset): The link's path (`/api/apps/file-manager/public/shares/<token>`): only in the answer
            that
            made it, as only a hash of its token is kept.
    """

    created_at: datetime.datetime
    created_by: UUID
    downloads: int
    expires_at: datetime.datetime
    file_id: UUID
    has_password: bool
    id: UUID
    revoked_at: datetime.datetime | None | Unset = UNSET
    url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        created_by = str(self.created_by)

        downloads = self.downloads

        expires_at = self.expires_at.isoformat()

        file_id = str(self.file_id)

        has_password = self.has_password

        id = str(self.id)

        revoked_at: None | str | Unset
        if isinstance(self.revoked_at, Unset):
            revoked_at = UNSET
        elif isinstance(self.revoked_at, datetime.datetime):
            revoked_at = self.revoked_at.isoformat()
        else:
            revoked_at = self.revoked_at

        url: None | str | Unset
        if isinstance(self.url, Unset):
            url = UNSET
        else:
            url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "createdBy": created_by,
                "downloads": downloads,
                "expiresAt": expires_at,
                "fileId": file_id,
                "hasPassword": has_password,
                "id": id,
            }
        )
        if revoked_at is not UNSET:
            field_dict["revokedAt"] = revoked_at
        if url is not UNSET:
            field_dict["url"] = url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        created_by = UUID(d.pop("createdBy"))

        downloads = d.pop("downloads")

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        file_id = UUID(d.pop("fileId"))

        has_password = d.pop("hasPassword")

        id = UUID(d.pop("id"))

        def _parse_revoked_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                revoked_at_type_0 = datetime.datetime.fromisoformat(data)

                return revoked_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        revoked_at = _parse_revoked_at(d.pop("revokedAt", UNSET))

        def _parse_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        url = _parse_url(d.pop("url", UNSET))

        file_manager_share_info = cls(
            created_at=created_at,
            created_by=created_by,
            downloads=downloads,
            expires_at=expires_at,
            file_id=file_id,
            has_password=has_password,
            id=id,
            revoked_at=revoked_at,
            url=url,
        )

        file_manager_share_info.additional_properties = d
        return file_manager_share_info

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
