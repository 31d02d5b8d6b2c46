from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TeamChatNewChannel")


@_attrs_define
class TeamChatNewChannel:
    """A new channel as sent.

    Attributes:
        name (str):
        description (None | str | Unset):
        members (list[UUID] | Unset): Members to add besides the creator (a private channel's first members), at most
            200.
        private (bool | Unset): Private: only its members see it. Default public: every member of the tenant. Default:
            False.
    """

    name: str
    description: None | str | Unset = UNSET
    members: list[UUID] | Unset = UNSET
    private: bool | Unset = False

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        members: list[str] | Unset = UNSET
        if not isinstance(self.members, Unset):
            members = []
            for members_item_data in self.members:
                members_item = str(members_item_data)
                members.append(members_item)

        private = self.private

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if members is not UNSET:
            field_dict["members"] = members
        if private is not UNSET:
            field_dict["private"] = private

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        _members = d.pop("members", UNSET)
        members: list[UUID] | Unset = UNSET
        if _members is not UNSET:
            members = []
            for members_item_data in _members:
                members_item = UUID(members_item_data)

                members.append(members_item)

        private = d.pop("private", UNSET)

        team_chat_new_channel = cls(
            name=name,
            description=description,
            members=members,
            private=private,
        )

        return team_chat_new_channel
