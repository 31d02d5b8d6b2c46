from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Device")


@_attrs_define
class Device:
    """A device as its owner sees it.

    Attributes:
        created_at (datetime.datetime): First sign-in.
        current (bool): Whether the caller's own session is on this device.
        id (UUID): Device id.
        last_used_at (datetime.datetime): Last sign-in.
        name (str): Display name (from the client, the user agent, or a rename).
        user_agent (str): The user agent it last signed in with.
        ip_address (None | str | Unset): The IP address it last signed in from.
    """

    created_at: datetime.datetime
    current: bool
    id: UUID
    last_used_at: datetime.datetime
    name: str
    user_agent: str
    ip_address: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        current = self.current

        id = str(self.id)

        last_used_at = self.last_used_at.isoformat()

        name = self.name

        user_agent = self.user_agent

        ip_address: None | str | Unset
        if isinstance(self.ip_address, Unset):
            ip_address = UNSET
        else:
            ip_address = self.ip_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "current": current,
                "id": id,
                "lastUsedAt": last_used_at,
                "name": name,
                "userAgent": user_agent,
            }
        )
        if ip_address is not UNSET:
            field_dict["ipAddress"] = ip_address

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        current = d.pop("current")

        id = UUID(d.pop("id"))

        last_used_at = datetime.datetime.fromisoformat(d.pop("lastUsedAt"))

        name = d.pop("name")

        user_agent = d.pop("userAgent")

        def _parse_ip_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip_address = _parse_ip_address(d.pop("ipAddress", UNSET))

        device = cls(
            created_at=created_at,
            current=current,
            id=id,
            last_used_at=last_used_at,
            name=name,
            user_agent=user_agent,
            ip_address=ip_address,
        )

        device.additional_properties = d
        return device

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
