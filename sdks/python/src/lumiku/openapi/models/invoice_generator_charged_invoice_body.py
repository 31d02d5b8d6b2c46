from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice_generator_delivery import InvoiceGeneratorDelivery
    from ..models.invoice_generator_invoice import InvoiceGeneratorInvoice


T = TypeVar("T", bound="InvoiceGeneratorChargedInvoiceBody")


@_attrs_define
class InvoiceGeneratorChargedInvoiceBody:
    """A metered action's answer: the app's body with `creditUsed` (what the action cost) and
    `creditBalance` (the tenant's balance after it) added.

        Attributes:
            deliveries (list[InvoiceGeneratorDelivery]): The requests to mail it, newest first.
            invoice (InvoiceGeneratorInvoice): An invoice with its lines.
            credit_balance (int): The tenant's balance after it.
            credit_used (int): Credits this action cost.
    """

    deliveries: list[InvoiceGeneratorDelivery]
    invoice: InvoiceGeneratorInvoice
    credit_balance: int
    credit_used: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)

        invoice = self.invoice.to_dict()

        credit_balance = self.credit_balance

        credit_used = self.credit_used

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deliveries": deliveries,
                "invoice": invoice,
                "creditBalance": credit_balance,
                "creditUsed": credit_used,
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

        credit_balance = d.pop("creditBalance")

        credit_used = d.pop("creditUsed")

        invoice_generator_charged_invoice_body = cls(
            deliveries=deliveries,
            invoice=invoice,
            credit_balance=credit_balance,
            credit_used=credit_used,
        )

        invoice_generator_charged_invoice_body.additional_properties = d
        return invoice_generator_charged_invoice_body

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
