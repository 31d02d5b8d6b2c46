from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice_generator_delivery import InvoiceGeneratorDelivery


T = TypeVar("T", bound="InvoiceGeneratorChargedDeliveryBody")


@_attrs_define
class InvoiceGeneratorChargedDeliveryBody:
    """A metered action's answer: the app's body with `creditUsed` (what the action cost) and
    `creditBalance` (the tenant's balance after it) added.

        Attributes:
            delivery (InvoiceGeneratorDelivery): A request to mail an invoice, and how it went.
            credit_balance (int): The tenant's balance after it.
            credit_used (int): Credits this action cost.
    """

    delivery: InvoiceGeneratorDelivery
    credit_balance: int
    credit_used: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        delivery = self.delivery.to_dict()

        credit_balance = self.credit_balance

        credit_used = self.credit_used

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "delivery": delivery,
                "creditBalance": credit_balance,
                "creditUsed": credit_used,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_delivery import InvoiceGeneratorDelivery

        d = dict(src_dict)
        delivery = InvoiceGeneratorDelivery.from_dict(d.pop("delivery"))

        credit_balance = d.pop("creditBalance")

        credit_used = d.pop("creditUsed")

        invoice_generator_charged_delivery_body = cls(
            delivery=delivery,
            credit_balance=credit_balance,
            credit_used=credit_used,
        )

        invoice_generator_charged_delivery_body.additional_properties = d
        return invoice_generator_charged_delivery_body

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
