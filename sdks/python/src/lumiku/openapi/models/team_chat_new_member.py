from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="TeamChatNewMember")


@_attrs_define
class TeamChatNewMember:
    """Which member to add.

    Attributes:
        user_id (UUID): A member of the tenant.
    """

    user_id: UUID

    def to_dict(self) -> dict[str, Any]:
        user_id = str(self.user_id)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "userId": user_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        user_id = UUID(d.pop("userId"))

        team_chat_new_member = cls(
            user_id=user_id,
        )

        return team_chat_new_member
