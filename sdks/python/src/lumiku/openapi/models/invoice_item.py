from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InvoiceItem")


@_attrs_define
class InvoiceItem:
    """One line of an invoice.

    Attributes:
        amount_idr (int): quantity × unit price.
        description (str): What.
        quantity (int): How many.
        unit_price_idr (int): Price of one, in rupiah.
    """

    amount_idr: int
    description: str
    quantity: int
    unit_price_idr: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_idr = self.amount_idr

        description = self.description

        quantity = self.quantity

        unit_price_idr = self.unit_price_idr

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amountIdr": amount_idr,
                "description": description,
                "quantity": quantity,
                "unitPriceIdr": unit_price_idr,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount_idr = d.pop("amountIdr")

        description = d.pop("description")

        quantity = d.pop("quantity")

        unit_price_idr = d.pop("unitPriceIdr")

        invoice_item = cls(
            amount_idr=amount_idr,
            description=description,
            quantity=quantity,
            unit_price_idr=unit_price_idr,
        )

        invoice_item.additional_properties = d
        return invoice_item

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
