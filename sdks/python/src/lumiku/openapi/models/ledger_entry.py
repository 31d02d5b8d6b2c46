from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LedgerEntry")


@_attrs_define
class LedgerEntry:
    """One ledger row.

    Attributes:
        amount_credits (int): Credits added (positive) or taken (negative).
        balance_after_credits (int): The balance right after this row.
        created_at (datetime.datetime): When.
        description (str): What it was for.
        id (UUID): Time-ordered id; also the history cursor.
        kind (str): `purchase`, `bonus`, `usage`, `refund`, `grant` or `adjustment`.
        actor_user_id (None | Unset | UUID): Who caused it.
        reference_id (None | str | Unset): The referenced row's id.
        reference_type (None | str | Unset): `app_usage`, `payment`, ...
    """

    amount_credits: int
    balance_after_credits: int
    created_at: datetime.datetime
    description: str
    id: UUID
    kind: str
    actor_user_id: None | Unset | UUID = UNSET
    reference_id: None | str | Unset = UNSET
    reference_type: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_credits = self.amount_credits

        balance_after_credits = self.balance_after_credits

        created_at = self.created_at.isoformat()

        description = self.description

        id = str(self.id)

        kind = self.kind

        actor_user_id: None | str | Unset
        if isinstance(self.actor_user_id, Unset):
            actor_user_id = UNSET
        elif isinstance(self.actor_user_id, UUID):
            actor_user_id = str(self.actor_user_id)
        else:
            actor_user_id = self.actor_user_id

        reference_id: None | str | Unset
        if isinstance(self.reference_id, Unset):
            reference_id = UNSET
        else:
            reference_id = self.reference_id

        reference_type: None | str | Unset
        if isinstance(self.reference_type, Unset):
            reference_type = UNSET
        else:
            reference_type = self.reference_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amountCredits": amount_credits,
                "balanceAfterCredits": balance_after_credits,
                "createdAt": created_at,
                "description": description,
                "id": id,
                "kind": kind,
            }
        )
        if actor_user_id is not UNSET:
            field_dict["actorUserId"] = actor_user_id
        if reference_id is not UNSET:
            field_dict["referenceId"] = reference_id
        if reference_type is not UNSET:
            field_dict["referenceType"] = reference_type

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount_credits = d.pop("amountCredits")

        balance_after_credits = d.pop("balanceAfterCredits")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        description = d.pop("description")

        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        def _parse_actor_user_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                actor_user_id_type_0 = UUID(data)

                return actor_user_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        actor_user_id = _parse_actor_user_id(d.pop("actorUserId", UNSET))

        def _parse_reference_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference_id = _parse_reference_id(d.pop("referenceId", UNSET))

        def _parse_reference_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reference_type = _parse_reference_type(d.pop("referenceType", UNSET))

        ledger_entry = cls(
            amount_credits=amount_credits,
            balance_after_credits=balance_after_credits,
            created_at=created_at,
            description=description,
            id=id,
            kind=kind,
            actor_user_id=actor_user_id,
            reference_id=reference_id,
            reference_type=reference_type,
        )

        ledger_entry.additional_properties = d
        return ledger_entry

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
