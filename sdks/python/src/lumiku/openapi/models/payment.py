from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.payment_status import PaymentStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="Payment")


@_attrs_define
class Payment:
    """A payment as its tenant sees it.

    Attributes:
        amount_idr (int): Amount in rupiah.
        created_at (datetime.datetime): Created.
        expires_at (datetime.datetime): Payable until.
        gateway (str): `duitku` or `sandbox`.
        invoice_id (UUID): The invoice it pays.
        reference (str): Our reference (the gateway's merchant order id).
        status (PaymentStatus): `pending`, `success`, `failed`, `expired`.
        paid_at (datetime.datetime | None | Unset): Settled.
        payment_method (None | str | Unset): The gateway's method code.
        redirect_url (None | str | Unset): Where to send the payer (while pending).
    """

    amount_idr: int
    created_at: datetime.datetime
    expires_at: datetime.datetime
    gateway: str
    invoice_id: UUID
    reference: str
    status: PaymentStatus
    paid_at: datetime.datetime | None | Unset = UNSET
    payment_method: None | str | Unset = UNSET
    redirect_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount_idr = self.amount_idr

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        gateway = self.gateway

        invoice_id = str(self.invoice_id)

        reference = self.reference

        status = self.status.value

        paid_at: None | str | Unset
        if isinstance(self.paid_at, Unset):
            paid_at = UNSET
        elif isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        payment_method: None | str | Unset
        if isinstance(self.payment_method, Unset):
            payment_method = UNSET
        else:
            payment_method = self.payment_method

        redirect_url: None | str | Unset
        if isinstance(self.redirect_url, Unset):
            redirect_url = UNSET
        else:
            redirect_url = self.redirect_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amountIdr": amount_idr,
                "createdAt": created_at,
                "expiresAt": expires_at,
                "gateway": gateway,
                "invoiceId": invoice_id,
                "reference": reference,
                "status": status,
            }
        )
        if paid_at is not UNSET:
            field_dict["paidAt"] = paid_at
        if payment_method is not UNSET:
            field_dict["paymentMethod"] = payment_method
        if redirect_url is not UNSET:
            field_dict["redirectUrl"] = redirect_url

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount_idr = d.pop("amountIdr")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expiresAt"))

        gateway = d.pop("gateway")

        invoice_id = UUID(d.pop("invoiceId"))

        reference = d.pop("reference")

        status = PaymentStatus(d.pop("status"))

        def _parse_paid_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                paid_at_type_0 = datetime.datetime.fromisoformat(data)

                return paid_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        paid_at = _parse_paid_at(d.pop("paidAt", UNSET))

        def _parse_payment_method(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        payment_method = _parse_payment_method(d.pop("paymentMethod", UNSET))

        def _parse_redirect_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        redirect_url = _parse_redirect_url(d.pop("redirectUrl", UNSET))

        payment = cls(
            amount_idr=amount_idr,
            created_at=created_at,
            expires_at=expires_at,
            gateway=gateway,
            invoice_id=invoice_id,
            reference=reference,
            status=status,
            paid_at=paid_at,
            payment_method=payment_method,
            redirect_url=redirect_url,
        )

        payment.additional_properties = d
        return payment

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
