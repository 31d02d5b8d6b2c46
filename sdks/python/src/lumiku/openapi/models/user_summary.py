from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserSummary")


@_attrs_define
class UserSummary:
    """A platform user as administrators see them.

    Attributes:
        created_at (datetime.datetime): Registered.
        email (str): Email.
        id (UUID): User id.
        platform_role (str): `user` or `admin`.
        balance (int | None | Unset): Its balance.
        name (None | str | Unset): Name.
        personal_tenant_id (None | Unset | UUID): Their personal tenant.
    """

    created_at: datetime.datetime
    email: str
    id: UUID
    platform_role: str
    balance: int | None | Unset = UNSET
    name: None | str | Unset = UNSET
    personal_tenant_id: None | Unset | UUID = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        email = self.email

        id = str(self.id)

        platform_role = self.platform_role

        balance: int | None | Unset
        if isinstance(self.balance, Unset):
            balance = UNSET
        else:
            balance = self.balance

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        personal_tenant_id: None | str | Unset
        if isinstance(self.personal_tenant_id, Unset):
            personal_tenant_id = UNSET
        elif isinstance(self.personal_tenant_id, UUID):
            personal_tenant_id = str(self.personal_tenant_id)
        else:
            personal_tenant_id = self.personal_tenant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "email": email,
                "id": id,
                "platformRole": platform_role,
            }
        )
        if balance is not UNSET:
            field_dict["balance"] = balance
        if name is not UNSET:
            field_dict["name"] = name
        if personal_tenant_id is not UNSET:
            field_dict["personalTenantId"] = personal_tenant_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        email = d.pop("email")

        id = UUID(d.pop("id"))

        platform_role = d.pop("platformRole")

        def _parse_balance(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        balance = _parse_balance(d.pop("balance", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_personal_tenant_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                personal_tenant_id_type_0 = UUID(data)

                return personal_tenant_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        personal_tenant_id = _parse_personal_tenant_id(d.pop("personalTenantId", UNSET))

        user_summary = cls(
            created_at=created_at,
            email=email,
            id=id,
            platform_role=platform_role,
            balance=balance,
            name=name,
            personal_tenant_id=personal_tenant_id,
        )

        user_summary.additional_properties = d
        return user_summary

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
