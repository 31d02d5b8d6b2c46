from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.token_pair import TokenPair
    from ..models.user import User


T = TypeVar("T", bound="AuthSession")


@_attrs_define
class AuthSession:
    """A signed-in user and their tokens.

    Attributes:
        personal_tenant_id (UUID): The user's personal tenant.
        tokens (TokenPair): A pair of tokens for a session.
        user (User): An account, as shown to its owner.
    """

    personal_tenant_id: UUID
    tokens: TokenPair
    user: User
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        personal_tenant_id = str(self.personal_tenant_id)

        tokens = self.tokens.to_dict()

        user = self.user.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "personalTenantId": personal_tenant_id,
                "tokens": tokens,
                "user": user,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.token_pair import TokenPair
        from ..models.user import User

        d = dict(src_dict)
        personal_tenant_id = UUID(d.pop("personalTenantId"))

        tokens = TokenPair.from_dict(d.pop("tokens"))

        user = User.from_dict(d.pop("user"))

        auth_session = cls(
            personal_tenant_id=personal_tenant_id,
            tokens=tokens,
            user=user,
        )

        auth_session.additional_properties = d
        return auth_session

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
