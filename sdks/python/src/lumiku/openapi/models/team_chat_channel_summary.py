from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TeamChatChannelSummary")


@_attrs_define
class TeamChatChannelSummary:
    """A channel in the caller's list.

    Attributes:
        created_at (datetime.datetime): When.
        created_by (UUID): Who created it.
        id (UUID): Id.
        kind (str): `public`, `private` or `direct`.
        member (bool): Whether the caller has joined it.
        unread (int): Messages since the caller last read it (not their own), up to 100.
        description (None | str | Unset): What it is for.
        name (None | str | Unset): Its name (none for a direct conversation).
        peer (None | Unset | UUID): For a direct conversation, the other member.
    """

    created_at: datetime.datetime
    created_by: UUID
    id: UUID
    kind: str
    member: bool
    unread: int
    description: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    peer: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        created_by = str(self.created_by)

        id = str(self.id)

        kind = self.kind

        member = self.member

        unread = self.unread

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        peer: None | str | Unset
        if isinstance(self.peer, Unset):
            peer = UNSET
        elif isinstance(self.peer, UUID):
            peer = str(self.peer)
        else:
            peer = self.peer

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "createdBy": created_by,
                "id": id,
                "kind": kind,
                "member": member,
                "unread": unread,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if name is not UNSET:
            field_dict["name"] = name
        if peer is not UNSET:
            field_dict["peer"] = peer

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        created_by = UUID(d.pop("createdBy"))

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        member = d.pop("member")

        unread = d.pop("unread")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_peer(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                peer_type_0 = UUID(data)

                return peer_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        peer = _parse_peer(d.pop("peer", UNSET))

        team_chat_channel_summary = cls(
            created_at=created_at,
            created_by=created_by,
            id=id,
            kind=kind,
            member=member,
            unread=unread,
            description=description,
            name=name,
            peer=peer,
        )

        team_chat_channel_summary.additional_properties = d
        return team_chat_channel_summary

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
