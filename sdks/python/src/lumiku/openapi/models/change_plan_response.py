from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invoice import Invoice
    from ..models.payment import Payment
    from ..models.subscription import Subscription


T = TypeVar("T", bound="ChangePlanResponse")


@_attrs_define
class ChangePlanResponse:
    """What a subscription request did.

    Attributes:
        subscription (Subscription): A tenant's subscription as its members see it. A tenant that never subscribed is on
            the free
            plan, `active`, without a period.
        invoice (Invoice | None | Unset):
        payment (None | Payment | Unset):
    """

    subscription: Subscription
    invoice: Invoice | None | Unset = UNSET
    payment: None | Payment | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice import Invoice
        from ..models.payment import Payment

        subscription = self.subscription.to_dict()

        invoice: dict[str, Any] | None | Unset
        if isinstance(self.invoice, Unset):
            invoice = UNSET
        elif isinstance(self.invoice, Invoice):
            invoice = self.invoice.to_dict()
        else:
            invoice = self.invoice

        payment: dict[str, Any] | None | Unset
        if isinstance(self.payment, Unset):
            payment = UNSET
        elif isinstance(self.payment, Payment):
            payment = self.payment.to_dict()
        else:
            payment = self.payment

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "subscription": subscription,
            }
        )
        if invoice is not UNSET:
            field_dict["invoice"] = invoice
        if payment is not UNSET:
            field_dict["payment"] = payment

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice import Invoice
        from ..models.payment import Payment
        from ..models.subscription import Subscription

        d = dict(src_dict)
        subscription = Subscription.from_dict(d.pop("subscription"))

        def _parse_invoice(data: object) -> Invoice | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                invoice_type_0 = Invoice.from_dict(data)

                return invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None | Unset, data)

        invoice = _parse_invoice(d.pop("invoice", UNSET))

        def _parse_payment(data: object) -> None | Payment | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                payment_type_0 = Payment.from_dict(data)

                return payment_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Payment | Unset, data)

        payment = _parse_payment(d.pop("payment", UNSET))

        change_plan_response = cls(
            subscription=subscription,
            invoice=invoice,
            payment=payment,
        )

        change_plan_response.additional_properties = d
        return change_plan_response

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
