from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TeamChatMention")


@_attrs_define
class TeamChatMention:
    """An unread mention.

    Attributes:
        channel_id (UUID): Its channel.
        created_at (datetime.datetime): When.
        message_id (UUID): The message.
    """

    channel_id: UUID
    created_at: datetime.datetime
    message_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        channel_id = str(self.channel_id)

        created_at = self.created_at.isoformat()

        message_id = str(self.message_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channelId": channel_id,
                "createdAt": created_at,
                "messageId": message_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        channel_id = UUID(d.pop("channelId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        message_id = UUID(d.pop("messageId"))

        team_chat_mention = cls(
            channel_id=channel_id,
            created_at=created_at,
            message_id=message_id,
        )

        team_chat_mention.additional_properties = d
        return team_chat_mention

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
