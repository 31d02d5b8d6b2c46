from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.team_chat_channel import TeamChatChannel


T = TypeVar("T", bound="TeamChatChannelBody")


@_attrs_define
class TeamChatChannelBody:
    """A channel and its members.

    Attributes:
        channel (TeamChatChannel): A channel.
        members (list[UUID]): Its members (of a public channel: those who joined).
    """

    channel: TeamChatChannel
    members: list[UUID]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel.to_dict()

        members = []
        for members_item_data in self.members:
            members_item = str(members_item_data)
            members.append(members_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channel": channel,
                "members": members,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.team_chat_channel import TeamChatChannel

        d = dict(src_dict)
        channel = TeamChatChannel.from_dict(d.pop("channel"))

        members = []
        _members = d.pop("members")
        for members_item_data in _members:
            members_item = UUID(members_item_data)

            members.append(members_item)

        team_chat_channel_body = cls(
            channel=channel,
            members=members,
        )

        team_chat_channel_body.additional_properties = d
        return team_chat_channel_body

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
