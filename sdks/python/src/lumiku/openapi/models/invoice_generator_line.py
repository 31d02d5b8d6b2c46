from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvoiceGeneratorLine")


@_attrs_define
class InvoiceGeneratorLine:
    """A priced line.

    Attributes:
        amount (int): Quantity × unit price, rounded.
        discount (int): What the discount takes off.
        tax (int): The tax on what is left.
        total (int): Amount − discount + tax.
        description (str): Its description.
        discount_basis_points (int): Percent off in basis points.
        quantity (int | str): A decimal string with at most three decimals, or an integer; above 0, at most a billion
        tax_basis_points (int): Tax in basis points.
        unit_price (int): Price per unit.
        discount_amount (int | None | Unset): A fixed amount off, when it has one instead.
    """

    amount: int
    discount: int
    tax: int
    total: int
    description: str
    discount_basis_points: int
    quantity: int | str
    tax_basis_points: int
    unit_price: int
    discount_amount: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        discount = self.discount

        tax = self.tax

        total = self.total

        description = self.description

        discount_basis_points = self.discount_basis_points

        quantity: int | str
        quantity = self.quantity

        tax_basis_points = self.tax_basis_points

        unit_price = self.unit_price

        discount_amount: int | None | Unset
        if isinstance(self.discount_amount, Unset):
            discount_amount = UNSET
        else:
            discount_amount = self.discount_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "discount": discount,
                "tax": tax,
                "total": total,
                "description": description,
                "discountBasisPoints": discount_basis_points,
                "quantity": quantity,
                "taxBasisPoints": tax_basis_points,
                "unitPrice": unit_price,
            }
        )
        if discount_amount is not UNSET:
            field_dict["discountAmount"] = discount_amount

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount")

        discount = d.pop("discount")

        tax = d.pop("tax")

        total = d.pop("total")

        description = d.pop("description")

        discount_basis_points = d.pop("discountBasisPoints")

        def _parse_quantity(data: object) -> int | str:
            return cast(int | str, data)

        quantity = _parse_quantity(d.pop("quantity"))

        tax_basis_points = d.pop("taxBasisPoints")

        unit_price = d.pop("unitPrice")

        def _parse_discount_amount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        discount_amount = _parse_discount_amount(d.pop("discountAmount", UNSET))

        invoice_generator_line = cls(
            amount=amount,
            discount=discount,
            tax=tax,
            total=total,
            description=description,
            discount_basis_points=discount_basis_points,
            quantity=quantity,
            tax_basis_points=tax_basis_points,
            unit_price=unit_price,
            discount_amount=discount_amount,
        )

        invoice_generator_line.additional_properties = d
        return invoice_generator_line

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
