from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_generator_currency_code import InvoiceGeneratorCurrencyCode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invoice_generator_line_input_body import InvoiceGeneratorLineInputBody


T = TypeVar("T", bound="InvoiceGeneratorInvoiceInput")


@_attrs_define
class InvoiceGeneratorInvoiceInput:
    """An invoice as sent (to create a draft or replace one).

    Attributes:
        client_id (UUID): The client billed, one of the tenant's.
        lines (list[InvoiceGeneratorLineInputBody]): 1 to 200 lines.
        currency (InvoiceGeneratorCurrencyCode | None | Unset):
        due_date (datetime.date | None | Unset):
        issue_date (datetime.date | None | Unset):
        notes (None | str | Unset):
        terms (None | str | Unset):
    """

    client_id: UUID
    lines: list[InvoiceGeneratorLineInputBody]
    currency: InvoiceGeneratorCurrencyCode | None | Unset = UNSET
    due_date: datetime.date | None | Unset = UNSET
    issue_date: datetime.date | None | Unset = UNSET
    notes: None | str | Unset = UNSET
    terms: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = str(self.client_id)

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        elif isinstance(self.currency, InvoiceGeneratorCurrencyCode):
            currency = self.currency.value
        else:
            currency = self.currency

        due_date: None | str | Unset
        if isinstance(self.due_date, Unset):
            due_date = UNSET
        elif isinstance(self.due_date, datetime.date):
            due_date = self.due_date.isoformat()
        else:
            due_date = self.due_date

        issue_date: None | str | Unset
        if isinstance(self.issue_date, Unset):
            issue_date = UNSET
        elif isinstance(self.issue_date, datetime.date):
            issue_date = self.issue_date.isoformat()
        else:
            issue_date = self.issue_date

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        terms: None | str | Unset
        if isinstance(self.terms, Unset):
            terms = UNSET
        else:
            terms = self.terms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "clientId": client_id,
                "lines": lines,
            }
        )
        if currency is not UNSET:
            field_dict["currency"] = currency
        if due_date is not UNSET:
            field_dict["dueDate"] = due_date
        if issue_date is not UNSET:
            field_dict["issueDate"] = issue_date
        if notes is not UNSET:
            field_dict["notes"] = notes
        if terms is not UNSET:
            field_dict["terms"] = terms

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_line_input_body import InvoiceGeneratorLineInputBody

        d = dict(src_dict)
        client_id = UUID(d.pop("clientId"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = InvoiceGeneratorLineInputBody.from_dict(lines_item_data)

            lines.append(lines_item)

        def _parse_currency(data: object) -> InvoiceGeneratorCurrencyCode | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                currency_type_0 = InvoiceGeneratorCurrencyCode(data)

                return currency_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(InvoiceGeneratorCurrencyCode | None | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        def _parse_due_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_date_type_0 = datetime.date.fromisoformat(data)

                return due_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        due_date = _parse_due_date(d.pop("dueDate", UNSET))

        def _parse_issue_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issue_date_type_0 = datetime.date.fromisoformat(data)

                return issue_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        issue_date = _parse_issue_date(d.pop("issueDate", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_terms(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        terms = _parse_terms(d.pop("terms", UNSET))

        invoice_generator_invoice_input = cls(
            client_id=client_id,
            lines=lines,
            currency=currency,
            due_date=due_date,
            issue_date=issue_date,
            notes=notes,
            terms=terms,
        )

        invoice_generator_invoice_input.additional_properties = d
        return invoice_generator_invoice_input

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
