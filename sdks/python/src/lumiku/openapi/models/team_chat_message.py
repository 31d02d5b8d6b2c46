from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.team_chat_reaction import TeamChatReaction


T = TypeVar("T", bound="TeamChatMessage")


@_attrs_define
class TeamChatMessage:
    """A message.

    Attributes:
        author_id (UUID): Who wrote it.
        author_name (str): Their name (empty when they have left the tenant).
        body (str): The Markdown as written (empty once deleted).
        channel_id (UUID): Its channel.
        created_at (datetime.datetime): When it was sent.
        deleted (bool): Whether it was deleted (the thread stays).
        html (str): The Markdown rendered as safe HTML (empty once deleted).
        id (UUID): Id (UUIDv7: a cursor).
        reactions (list[TeamChatReaction]): Its reactions, one entry per emoji.
        reply_count (int): Replies in its thread.
        edited_at (datetime.datetime | None | Unset): When it was last edited.
        parent_id (None | Unset | UUID): The message it replies to, for a reply in a thread.
    """

    author_id: UUID
    author_name: str
    body: str
    channel_id: UUID
    created_at: datetime.datetime
    deleted: bool
    html: str
    id: UUID
    reactions: list[TeamChatReaction]
    reply_count: int
    edited_at: datetime.datetime | None | Unset = UNSET
    parent_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        author_id = str(self.author_id)

        author_name = self.author_name

        body = self.body

        channel_id = str(self.channel_id)

        created_at = self.created_at.isoformat()

        deleted = self.deleted

        html = self.html

        id = str(self.id)

        reactions = []
        for reactions_item_data in self.reactions:
            reactions_item = reactions_item_data.to_dict()
            reactions.append(reactions_item)

        reply_count = self.reply_count

        edited_at: None | str | Unset
        if isinstance(self.edited_at, Unset):
            edited_at = UNSET
        elif isinstance(self.edited_at, datetime.datetime):
            edited_at = self.edited_at.isoformat()
        else:
            edited_at = self.edited_at

        parent_id: None | str | Unset
        if isinstance(self.parent_id, Unset):
            parent_id = UNSET
        elif isinstance(self.parent_id, UUID):
            parent_id = str(self.parent_id)
        else:
            parent_id = self.parent_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "authorId": author_id,
                "authorName": author_name,
                "body": body,
                "channelId": channel_id,
                "createdAt": created_at,
                "deleted": deleted,
                "html": html,
                "id": id,
                "reactions": reactions,
                "replyCount": reply_count,
            }
        )
        if edited_at is not UNSET:
            field_dict["editedAt"] = edited_at
        if parent_id is not UNSET:
            field_dict["parentId"] = parent_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.team_chat_reaction import TeamChatReaction

        d = dict(src_dict)
        author_id = UUID(d.pop("authorId"))

        author_name = d.pop("authorName")

        body = d.pop("body")

        channel_id = UUID(d.pop("channelId"))

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        deleted = d.pop("deleted")

        html = d.pop("html")

        id = UUID(d.pop("id"))

        reactions = []
        _reactions = d.pop("reactions")
        for reactions_item_data in _reactions:
            reactions_item = TeamChatReaction.from_dict(reactions_item_data)

            reactions.append(reactions_item)

        reply_count = d.pop("replyCount")

        def _parse_edited_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                edited_at_type_0 = datetime.datetime.fromisoformat(data)

                return edited_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        edited_at = _parse_edited_at(d.pop("editedAt", UNSET))

        def _parse_parent_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                parent_id_type_0 = UUID(data)

                return parent_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        parent_id = _parse_parent_id(d.pop("parentId", UNSET))

        team_chat_message = cls(
            author_id=author_id,
            author_name=author_name,
            body=body,
            channel_id=channel_id,
            created_at=created_at,
            deleted=deleted,
            html=html,
            id=id,
            reactions=reactions,
            reply_count=reply_count,
            edited_at=edited_at,
            parent_id=parent_id,
        )

        team_chat_message.additional_properties = d
        return team_chat_message

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
