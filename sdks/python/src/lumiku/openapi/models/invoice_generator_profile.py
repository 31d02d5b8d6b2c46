from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvoiceGeneratorProfile")


@_attrs_define
class InvoiceGeneratorProfile:
    """The tenant's business, as printed on its invoices.

    Attributes:
        business_name (str): The business's name; invoices cannot be issued without it.
        currency (str): New invoices' currency (ISO 4217).
        default_due_days (int): Days from the issue date to the due date, by default.
        has_logo (bool): Whether a logo is set (`GET /profile/logo`).
        number_format (str): How issued invoices are numbered: `{YYYY}`, `{YY}`, `{MM}` and one `{seq}` or
            `{seq:0N}` (zero-padded to N digits) among letters, digits and `-_/.#`.
        address (None | str | Unset): Postal address, several lines.
        bank_details (None | str | Unset): Where to pay: bank, account name and number.
        default_notes (None | str | Unset): Notes printed on new invoices.
        default_terms (None | str | Unset): Payment terms printed on new invoices.
        email (None | str | Unset): Where clients reply.
        phone (None | str | Unset): Phone.
        tax_id (None | str | Unset): Tax id (NPWP).
        updated_at (datetime.datetime | None | Unset): When it last changed; null until first saved.
    """

    business_name: str
    currency: str
    default_due_days: int
    has_logo: bool
    number_format: str
    address: None | str | Unset = UNSET
    bank_details: None | str | Unset = UNSET
    default_notes: None | str | Unset = UNSET
    default_terms: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    tax_id: None | str | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        business_name = self.business_name

        currency = self.currency

        default_due_days = self.default_due_days

        has_logo = self.has_logo

        number_format = self.number_format

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

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "businessName": business_name,
                "currency": currency,
                "defaultDueDays": default_due_days,
                "hasLogo": has_logo,
                "numberFormat": number_format,
            }
        )
        if address is not UNSET:
            field_dict["address"] = address
        if bank_details is not UNSET:
            field_dict["bankDetails"] = bank_details
        if default_notes is not UNSET:
            field_dict["defaultNotes"] = default_notes
        if default_terms is not UNSET:
            field_dict["defaultTerms"] = default_terms
        if email is not UNSET:
            field_dict["email"] = email
        if phone is not UNSET:
            field_dict["phone"] = phone
        if tax_id is not UNSET:
            field_dict["taxId"] = tax_id
        if updated_at is not UNSET:
            field_dict["updatedAt"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        business_name = d.pop("businessName")

        currency = d.pop("currency")

        default_due_days = d.pop("defaultDueDays")

        has_logo = d.pop("hasLogo")

        number_format = d.pop("numberFormat")

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

        def _parse_updated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updatedAt", UNSET))

        invoice_generator_profile = cls(
            business_name=business_name,
            currency=currency,
            default_due_days=default_due_days,
            has_logo=has_logo,
            number_format=number_format,
            address=address,
            bank_details=bank_details,
            default_notes=default_notes,
            default_terms=default_terms,
            email=email,
            phone=phone,
            tax_id=tax_id,
            updated_at=updated_at,
        )

        invoice_generator_profile.additional_properties = d
        return invoice_generator_profile

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
