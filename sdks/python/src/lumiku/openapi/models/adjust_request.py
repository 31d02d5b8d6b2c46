from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.entry_kind import EntryKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="AdjustRequest")


@_attrs_define
class AdjustRequest:
    """An administrator's grant or adjustment.

    Attributes:
        amount (int | Unset): Credits to add (negative to take, for an adjustment). Default: 0.
        kind (EntryKind | Unset): Why a ledger row exists.
        reason (str | Unset): Why; kept in the ledger and the audit log. Default: ''.
    """

    amount: int | Unset = 0
    kind: EntryKind | Unset = UNSET
    reason: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if amount is not UNSET:
            field_dict["amount"] = amount
        if kind is not UNSET:
            field_dict["kind"] = kind
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount", UNSET)

        _kind = d.pop("kind", UNSET)
        kind: EntryKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = EntryKind(_kind)

        reason = d.pop("reason", UNSET)

        adjust_request = cls(
            amount=amount,
            kind=kind,
            reason=reason,
        )

        adjust_request.additional_properties = d
        return adjust_request

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
