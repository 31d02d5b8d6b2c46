from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvoiceGeneratorLineFigures")


@_attrs_define
class InvoiceGeneratorLineFigures:
    """A line's computed figures, in minor units.

    Attributes:
        amount (int): Quantity × unit price, rounded.
        discount (int): What the discount takes off.
        tax (int): The tax on what is left.
        total (int): Amount − discount + tax.
    """

    amount: int
    discount: int
    tax: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        discount = self.discount

        tax = self.tax

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "discount": discount,
                "tax": tax,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount")

        discount = d.pop("discount")

        tax = d.pop("tax")

        total = d.pop("total")

        invoice_generator_line_figures = cls(
            amount=amount,
            discount=discount,
            tax=tax,
            total=total,
        )

        invoice_generator_line_figures.additional_properties = d
        return invoice_generator_line_figures

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
