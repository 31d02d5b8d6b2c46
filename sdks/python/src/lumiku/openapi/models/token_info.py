from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TokenInfo")


@_attrs_define
class TokenInfo:
    """Whose an access token is.

    Attributes:
        expires_at (datetime.datetime): When the token expires.
        platform_role (str): `user` or `admin`.
        session_id (UUID): The session.
        user_id (UUID): The user.
        valid (bool): Always true (an invalid token is answered 401).
    """

    expires_at: datetime.datetime
    platform_role: str
    session_id: UUID
    user_id: UUID
    valid: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_at = self.expires_at.isoformat()

        platform_role = self.platform_role

        session_id = str(self.session_id)

        user_id = str(self.user_id)

        valid = self.valid

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expiresAt": expires_at,
                "platformRole": platform_role,
                "sessionId": session_id,
                "userId": user_id,
                "valid": valid,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        platform_role = d.pop("platformRole")

        session_id = UUID(d.pop("sessionId"))

        user_id = UUID(d.pop("userId"))

        valid = d.pop("valid")

        token_info = cls(
            expires_at=expires_at,
            platform_role=platform_role,
            session_id=session_id,
            user_id=user_id,
            valid=valid,
        )

        token_info.additional_properties = d
        return token_info

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
