from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvoiceGeneratorQuoteText")


@_attrs_define
class InvoiceGeneratorQuoteText:
    """A quote's figures as text.

    Attributes:
        discount (str):
        lines (list[str]): Each line's total.
        subtotal (str):
        tax (str):
        total (str):
    """

    discount: str
    lines: list[str]
    subtotal: str
    tax: str
    total: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        discount = self.discount

        lines = self.lines

        subtotal = self.subtotal

        tax = self.tax

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "discount": discount,
                "lines": lines,
                "subtotal": subtotal,
                "tax": tax,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        discount = d.pop("discount")

        lines = cast(list[str], d.pop("lines"))

        subtotal = d.pop("subtotal")

        tax = d.pop("tax")

        total = d.pop("total")

        invoice_generator_quote_text = cls(
            discount=discount,
            lines=lines,
            subtotal=subtotal,
            tax=tax,
            total=total,
        )

        invoice_generator_quote_text.additional_properties = d
        return invoice_generator_quote_text

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
