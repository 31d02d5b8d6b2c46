from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_generator_status import InvoiceGeneratorStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invoice_generator_totals import InvoiceGeneratorTotals


T = TypeVar("T", bound="InvoiceGeneratorInvoiceSummary")


@_attrs_define
class InvoiceGeneratorInvoiceSummary:
    """An invoice in a list.

    Attributes:
        client_id (UUID): The client billed.
        client_name (str): Their name.
        created_at (datetime.datetime): When created.
        currency (str): ISO 4217.
        due_date (str): `YYYY-MM-DD`.
        id (UUID): Id.
        issue_date (str): `YYYY-MM-DD`.
        status (InvoiceGeneratorStatus): An invoice's status.
        total_formatted (str): The total written the currency's way (`Rp 1.250.000`).
        totals (InvoiceGeneratorTotals): An invoice's figures: the sums of its lines'.
        number (None | str | Unset): Its number once issued; null on a draft.
    """

    client_id: UUID
    client_name: str
    created_at: datetime.datetime
    currency: str
    due_date: str
    id: UUID
    issue_date: str
    status: InvoiceGeneratorStatus
    total_formatted: str
    totals: InvoiceGeneratorTotals
    number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        client_name = self.client_name

        created_at = self.created_at.isoformat()

        currency = self.currency

        due_date = self.due_date

        id = str(self.id)

        issue_date = self.issue_date

        status = self.status.value

        total_formatted = self.total_formatted

        totals = self.totals.to_dict()

        number: None | str | Unset
        if isinstance(self.number, Unset):
            number = UNSET
        else:
            number = self.number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clientId": client_id,
                "clientName": client_name,
                "createdAt": created_at,
                "currency": currency,
                "dueDate": due_date,
                "id": id,
                "issueDate": issue_date,
                "status": status,
                "totalFormatted": total_formatted,
                "totals": totals,
            }
        )
        if number is not UNSET:
            field_dict["number"] = number

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_totals import InvoiceGeneratorTotals

        d = dict(src_dict)
        client_id = UUID(d.pop("clientId"))

        client_name = d.pop("clientName")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        currency = d.pop("currency")

        due_date = d.pop("dueDate")

        id = UUID(d.pop("id"))

        issue_date = d.pop("issueDate")

        status = InvoiceGeneratorStatus(d.pop("status"))

        total_formatted = d.pop("totalFormatted")

        totals = InvoiceGeneratorTotals.from_dict(d.pop("totals"))

        def _parse_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        number = _parse_number(d.pop("number", UNSET))

        invoice_generator_invoice_summary = cls(
            client_id=client_id,
            client_name=client_name,
            created_at=created_at,
            currency=currency,
            due_date=due_date,
            id=id,
            issue_date=issue_date,
            status=status,
            total_formatted=total_formatted,
            totals=totals,
            number=number,
        )

        invoice_generator_invoice_summary.additional_properties = d
        return invoice_generator_invoice_summary

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
