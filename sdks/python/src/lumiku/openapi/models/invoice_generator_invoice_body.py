from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice_generator_delivery import InvoiceGeneratorDelivery
    from ..models.invoice_generator_invoice import InvoiceGeneratorInvoice


T = TypeVar("T", bound="InvoiceGeneratorInvoiceBody")


@_attrs_define
class InvoiceGeneratorInvoiceBody:
    """An invoice and its deliveries.

    Attributes:
        deliveries (list[InvoiceGeneratorDelivery]): The requests to mail it, newest first.
        invoice (InvoiceGeneratorInvoice): An invoice with its lines.
    """

    deliveries: list[InvoiceGeneratorDelivery]
    invoice: InvoiceGeneratorInvoice
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)

        invoice = self.invoice.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deliveries": deliveries,
                "invoice": invoice,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_delivery import InvoiceGeneratorDelivery
        from ..models.invoice_generator_invoice import InvoiceGeneratorInvoice

        d = dict(src_dict)
        deliveries = []
        _deliveries = d.pop("deliveries")
        for deliveries_item_data in _deliveries:
            deliveries_item = InvoiceGeneratorDelivery.from_dict(deliveries_item_data)

            deliveries.append(deliveries_item)

        invoice = InvoiceGeneratorInvoice.from_dict(d.pop("invoice"))

        invoice_generator_invoice_body = cls(
            deliveries=deliveries,
            invoice=invoice,
        )

        invoice_generator_invoice_body.additional_properties = d
        return invoice_generator_invoice_body

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
