from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FileManagerChargedEmptied")


@_attrs_define
class FileManagerChargedEmptied:
    """A metered action's answer: the app's body with `creditUsed` (what the action cost) and
    `creditBalance` (the tenant's balance after it) added.

        Attributes:
            deleted (int): Files deleted for good.
            freed_bytes (int): Storage given back, in bytes.
            credit_balance (int): The tenant's balance after it.
            credit_used (int): Credits this action cost.
    """

    deleted: int
    freed_bytes: int
    credit_balance: int
    credit_used: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deleted = self.deleted

        freed_bytes = self.freed_bytes

        credit_balance = self.credit_balance

        credit_used = self.credit_used

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deleted": deleted,
                "freedBytes": freed_bytes,
                "creditBalance": credit_balance,
                "creditUsed": credit_used,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        deleted = d.pop("deleted")

        freed_bytes = d.pop("freedBytes")

        credit_balance = d.pop("creditBalance")

        credit_used = d.pop("creditUsed")

        file_manager_charged_emptied = cls(
            deleted=deleted,
            freed_bytes=freed_bytes,
            credit_balance=credit_balance,
            credit_used=credit_used,
        )

        file_manager_charged_emptied.additional_properties = d
        return file_manager_charged_emptied

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
