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
    from ..models.invoice_generator_billed_to import InvoiceGeneratorBilledTo
    from ..models.invoice_generator_line import InvoiceGeneratorLine
    from ..models.invoice_generator_totals import InvoiceGeneratorTotals


T = TypeVar("T", bound="InvoiceGeneratorInvoice")


@_attrs_define
class InvoiceGeneratorInvoice:
    """An invoice with its lines.

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
        billed_to (InvoiceGeneratorBilledTo): The client as the invoice names them (copied from the client when saved
            and issued, so a
            later change to the client does not rewrite an issued invoice).
        has_pdf (bool): Whether a PDF was generated (`GET /invoices/{id}/pdf`).
        lines (list[InvoiceGeneratorLine]): Its lines, in order.
        updated_at (datetime.datetime): When last changed.
        number (None | str | Unset): Its number once issued; null on a draft.
        issued_at (datetime.datetime | None | Unset): When issued.
        notes (None | str | Unset): Notes.
        paid_at (datetime.datetime | None | Unset): When marked paid.
        public_path (None | str | Unset): The client's link (`/api/apps/invoice-generator/public/invoices/{token}`)
            while it has
            one.
        terms (None | str | Unset): Payment terms.
        voided_at (datetime.datetime | None | Unset): When voided.
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
    billed_to: InvoiceGeneratorBilledTo
    has_pdf: bool
    lines: list[InvoiceGeneratorLine]
    updated_at: datetime.datetime
    number: None | str | Unset = UNSET
    issued_at: datetime.datetime | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    paid_at: datetime.datetime | None | Unset = UNSET
    public_path: None | str | Unset = UNSET
    terms: None | str | Unset = UNSET
    voided_at: datetime.datetime | None | Unset = UNSET
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

        billed_to = self.billed_to.to_dict()

        has_pdf = self.has_pdf

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        updated_at = self.updated_at.isoformat()

        number: None | str | Unset
        if isinstance(self.number, Unset):
            number = UNSET
        else:
            number = self.number

        issued_at: None | str | Unset
        if isinstance(self.issued_at, Unset):
            issued_at = UNSET
        elif isinstance(self.issued_at, datetime.datetime):
            issued_at = self.issued_at.isoformat()
        else:
            issued_at = self.issued_at

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        paid_at: None | str | Unset
        if isinstance(self.paid_at, Unset):
            paid_at = UNSET
        elif isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        public_path: None | str | Unset
        if isinstance(self.public_path, Unset):
            public_path = UNSET
        else:
            public_path = self.public_path

        terms: None | str | Unset
        if isinstance(self.terms, Unset):
            terms = UNSET
        else:
            terms = self.terms

        voided_at: None | str | Unset
        if isinstance(self.voided_at, Unset):
            voided_at = UNSET
        elif isinstance(self.voided_at, datetime.datetime):
            voided_at = self.voided_at.isoformat()
        else:
            voided_at = self.voided_at

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
                "billedTo": billed_to,
                "hasPdf": has_pdf,
                "lines": lines,
                "updatedAt": updated_at,
            }
        )
        if number is not UNSET:
            field_dict["number"] = number
        if issued_at is not UNSET:
            field_dict["issuedAt"] = issued_at
        if notes is not UNSET:
            field_dict["notes"] = notes
        if paid_at is not UNSET:
            field_dict["paidAt"] = paid_at
        if public_path is not UNSET:
            field_dict["publicPath"] = public_path
        if terms is not UNSET:
            field_dict["terms"] = terms
        if voided_at is not UNSET:
            field_dict["voidedAt"] = voided_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_billed_to import InvoiceGeneratorBilledTo
        from ..models.invoice_generator_line import InvoiceGeneratorLine
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

        billed_to = InvoiceGeneratorBilledTo.from_dict(d.pop("billedTo"))

        has_pdf = d.pop("hasPdf")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = InvoiceGeneratorLine.from_dict(lines_item_data)

            lines.append(lines_item)

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        def _parse_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        number = _parse_number(d.pop("number", UNSET))

        def _parse_issued_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_at_type_0 = datetime.datetime.fromisoformat(data)

                return issued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        issued_at = _parse_issued_at(d.pop("issuedAt", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_paid_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        paid_at = _parse_paid_at(d.pop("paidAt", UNSET))

        def _parse_public_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        public_path = _parse_public_path(d.pop("publicPath", UNSET))

        def _parse_terms(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        terms = _parse_terms(d.pop("terms", UNSET))

        def _parse_voided_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voided_at_type_0 = datetime.datetime.fromisoformat(data)

                return voided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        voided_at = _parse_voided_at(d.pop("voidedAt", UNSET))

        invoice_generator_invoice = cls(
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
            billed_to=billed_to,
            has_pdf=has_pdf,
            lines=lines,
            updated_at=updated_at,
            number=number,
            issued_at=issued_at,
            notes=notes,
            paid_at=paid_at,
            public_path=public_path,
            terms=terms,
            voided_at=voided_at,
        )

        invoice_generator_invoice.additional_properties = d
        return invoice_generator_invoice

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
