from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewInvoiceItem")


@_attrs_define
class NewInvoiceItem:
    """A line of an administrator's invoice.

    Attributes:
        description (str): What.
        unit_price_idr (int): Price of one, in rupiah.
        quantity (int | Unset): How many (default 1).
    """

    description: str
    unit_price_idr: int
    quantity: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        unit_price_idr = self.unit_price_idr

        quantity = self.quantity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "unitPriceIdr": unit_price_idr,
            }
        )
        if quantity is not UNSET:
            field_dict["quantity"] = quantity

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        description = d.pop("description")

        unit_price_idr = d.pop("unitPriceIdr")

        quantity = d.pop("quantity", UNSET)

        new_invoice_item = cls(
            description=description,
            unit_price_idr=unit_price_idr,
            quantity=quantity,
        )

        new_invoice_item.additional_properties = d
        return new_invoice_item

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
