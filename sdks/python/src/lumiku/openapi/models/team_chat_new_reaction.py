from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TeamChatNewReaction")


@_attrs_define
class TeamChatNewReaction:
    """A reaction as sent.

    Attributes:
        emoji (str):
    """

    emoji: str

    def to_dict(self) -> dict[str, Any]:
        emoji = self.emoji

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "emoji": emoji,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        emoji = d.pop("emoji")

        team_chat_new_reaction = cls(
            emoji=emoji,
        )

        return team_chat_new_reaction
