from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_generator_currency_code import InvoiceGeneratorCurrencyCode
from ..types import UNSET, Unset

T = TypeVar("T", bound="InvoiceGeneratorProfileInput")


@_attrs_define
class InvoiceGeneratorProfileInput:
    """The business profile as sent.

    Attributes:
        business_name (str):
        address (None | str | Unset):
        bank_details (None | str | Unset):
        currency (InvoiceGeneratorCurrencyCode | None | Unset):
        default_due_days (int | None | Unset): 0 to 365; 14 when absent.
        default_notes (None | str | Unset):
        default_terms (None | str | Unset):
        email (None | str | Unset):
        number_format (None | str | Unset): The numbering format; `INV-{YYYY}-{seq:04}` when absent.
        phone (None | str | Unset):
        tax_id (None | str | Unset):
    """

    business_name: str
    address: None | str | Unset = UNSET
    bank_details: None | str | Unset = UNSET
    currency: InvoiceGeneratorCurrencyCode | None | Unset = UNSET
    default_due_days: int | None | Unset = UNSET
    default_notes: None | str | Unset = UNSET
    default_terms: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    number_format: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    tax_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        business_name = self.business_name

        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        bank_details: None | str | Unset
        if isinstance(self.bank_details, Unset):
            bank_details = UNSET
        else:
            bank_details = self.bank_details

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        elif isinstance(self.currency, InvoiceGeneratorCurrencyCode):
            currency = self.currency.value
        else:
            currency = self.currency

        default_due_days: int | None | Unset
        if isinstance(self.default_due_days, Unset):
            default_due_days = UNSET
        else:
            default_due_days = self.default_due_days

        default_notes: None | str | Unset
        if isinstance(self.default_notes, Unset):
            default_notes = UNSET
        else:
            default_notes = self.default_notes

        default_terms: None | str | Unset
        if isinstance(self.default_terms, Unset):
            default_terms = UNSET
        else:
            default_terms = self.default_terms

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        number_format: None | str | Unset
        if isinstance(self.number_format, Unset):
            number_format = UNSET
        else:
            number_format = self.number_format

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        tax_id: None | str | Unset
        if isinstance(self.tax_id, Unset):
            tax_id = UNSET
        else:
            tax_id = self.tax_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "businessName": business_name,
            }
        )
        if address is not UNSET:
            field_dict["address"] = address
        if bank_details is not UNSET:
            field_dict["bankDetails"] = bank_details
        if currency is not UNSET:
            field_dict["currency"] = currency
        if default_due_days is not UNSET:
            field_dict["defaultDueDays"] = default_due_days
        if default_notes is not UNSET:
            field_dict["defaultNotes"] = default_notes
        if default_terms is not UNSET:
            field_dict["defaultTerms"] = default_terms
        if email is not UNSET:
            field_dict["email"] = email
        if number_format is not UNSET:
            field_dict["numberFormat"] = number_format
        if phone is not UNSET:
            field_dict["phone"] = phone
        if tax_id is not UNSET:
            field_dict["taxId"] = tax_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        business_name = d.pop("businessName")

        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        def _parse_bank_details(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bank_details = _parse_bank_details(d.pop("bankDetails", UNSET))

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

        def _parse_default_due_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        default_due_days = _parse_default_due_days(d.pop("defaultDueDays", UNSET))

        def _parse_default_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_notes = _parse_default_notes(d.pop("defaultNotes", UNSET))

        def _parse_default_terms(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_terms = _parse_default_terms(d.pop("defaultTerms", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_number_format(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        number_format = _parse_number_format(d.pop("numberFormat", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_tax_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        tax_id = _parse_tax_id(d.pop("taxId", UNSET))

        invoice_generator_profile_input = cls(
            business_name=business_name,
            address=address,
            bank_details=bank_details,
            currency=currency,
            default_due_days=default_due_days,
            default_notes=default_notes,
            default_terms=default_terms,
            email=email,
            number_format=number_format,
            phone=phone,
            tax_id=tax_id,
        )

        invoice_generator_profile_input.additional_properties = d
        return invoice_generator_profile_input

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
