from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvoiceGeneratorLineInputBody")


@_attrs_define
class InvoiceGeneratorLineInputBody:
    """A line as sent.

    Attributes:
        description (str):
        quantity (int | str): A decimal string with at most three decimals, or an integer; above 0, at most a billion
        discount_amount (int | None | Unset): A fixed amount off in minor units instead (not with
            `discountBasisPoints`), at most the
            line's amount.
        discount_basis_points (int | Unset): Percent off in basis points (1000 = 10%), 0 to 10000. Default: 0.
        tax_basis_points (int | Unset): Tax in basis points (1100 = 11% PPN), 0 to 10000. Default: 0.
        unit_price (int | Unset): Price per unit in the currency's minor unit (whole rupiah for IDR), 0 to 10^15.
            Default: 0.
    """

    description: str
    quantity: int | str
    discount_amount: int | None | Unset = UNSET
    discount_basis_points: int | Unset = 0
    tax_basis_points: int | Unset = 0
    unit_price: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        quantity: int | str
        quantity = self.quantity

        discount_amount: int | None | Unset
        if isinstance(self.discount_amount, Unset):
            discount_amount = UNSET
        else:
            discount_amount = self.discount_amount

        discount_basis_points = self.discount_basis_points

        tax_basis_points = self.tax_basis_points

        unit_price = self.unit_price

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "quantity": quantity,
            }
        )
        if discount_amount is not UNSET:
            field_dict["discountAmount"] = discount_amount
        if discount_basis_points is not UNSET:
            field_dict["discountBasisPoints"] = discount_basis_points
        if tax_basis_points is not UNSET:
            field_dict["taxBasisPoints"] = tax_basis_points
        if unit_price is not UNSET:
            field_dict["unitPrice"] = unit_price

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        description = d.pop("description")

        def _parse_quantity(data: object) -> int | str:
            return cast(int | str, data)

        quantity = _parse_quantity(d.pop("quantity"))

        def _parse_discount_amount(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        discount_amount = _parse_discount_amount(d.pop("discountAmount", UNSET))

        discount_basis_points = d.pop("discountBasisPoints", UNSET)

        tax_basis_points = d.pop("taxBasisPoints", UNSET)

        unit_price = d.pop("unitPrice", UNSET)

        invoice_generator_line_input_body = cls(
            description=description,
            quantity=quantity,
            discount_amount=discount_amount,
            discount_basis_points=discount_basis_points,
            tax_basis_points=tax_basis_points,
            unit_price=unit_price,
        )

        invoice_generator_line_input_body.additional_properties = d
        return invoice_generator_line_input_body

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
