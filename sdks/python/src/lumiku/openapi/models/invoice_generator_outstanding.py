from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvoiceGeneratorOutstanding")


@_attrs_define
class InvoiceGeneratorOutstanding:
    """Open invoices in one currency.

    Attributes:
        currency (str):
        invoices (int):
        total (int):
        total_formatted (str):
    """

    currency: str
    invoices: int
    total: int
    total_formatted: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        invoices = self.invoices

        total = self.total

        total_formatted = self.total_formatted

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "invoices": invoices,
                "total": total,
                "totalFormatted": total_formatted,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        currency = d.pop("currency")

        invoices = d.pop("invoices")

        total = d.pop("total")

        total_formatted = d.pop("totalFormatted")

        invoice_generator_outstanding = cls(
            currency=currency,
            invoices=invoices,
            total=total,
            total_formatted=total_formatted,
        )

        invoice_generator_outstanding.additional_properties = d
        return invoice_generator_outstanding

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
