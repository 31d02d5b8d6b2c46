from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TokenPair")


@_attrs_define
class TokenPair:
    """A pair of tokens for a session.

    Attributes:
        access_token (str): Short-lived JWT for `Authorization: Bearer`.
        access_token_expires_at (datetime.datetime): When the access token expires.
        expires_in (int): Seconds until the access token expires.
        refresh_token (str): Opaque single-use token for `POST /api/auth/refresh`.
        session_id (UUID): The session both tokens belong to.
        token_type (str): Always `Bearer`.
    """

    access_token: str
    access_token_expires_at: datetime.datetime
    expires_in: int
    refresh_token: str
    session_id: UUID
    token_type: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        access_token_expires_at = self.access_token_expires_at.isoformat()

        expires_in = self.expires_in

        refresh_token = self.refresh_token

        session_id = str(self.session_id)

        token_type = self.token_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accessToken": access_token,
                "accessTokenExpiresAt": access_token_expires_at,
                "expiresIn": expires_in,
                "refreshToken": refresh_token,
                "sessionId": session_id,
                "tokenType": token_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        access_token = d.pop("accessToken")

        access_token_expires_at = datetime.datetime.fromisoformat(d.pop("accessTokenExpiresAt"))

        expires_in = d.pop("expiresIn")

        refresh_token = d.pop("refreshToken")

        session_id = UUID(d.pop("sessionId"))

        token_type = d.pop("tokenType")

        token_pair = cls(
            access_token=access_token,
            access_token_expires_at=access_token_expires_at,
            expires_in=expires_in,
            refresh_token=refresh_token,
            session_id=session_id,
            token_type=token_type,
        )

        token_pair.additional_properties = d
        return token_pair

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
