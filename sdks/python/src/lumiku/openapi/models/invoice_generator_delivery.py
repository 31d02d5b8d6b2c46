from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="InvoiceGeneratorDelivery")


@_attrs_define
class InvoiceGeneratorDelivery:
    """A request to mail an invoice, and how it went.

    Attributes:
        created_at (datetime.datetime): When asked for.
        id (UUID): Id.
        invoice_id (UUID): The invoice.
        recipient (str): Where it goes.
        status (str): `queued`, `sent` or `failed`.
        error (None | str | Unset): Why it failed.
        sent_at (datetime.datetime | None | Unset): When the mail server took it.
    """

    created_at: datetime.datetime
    id: UUID
    invoice_id: UUID
    recipient: str
    status: str
    error: None | str | Unset = UNSET
    sent_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        id = str(self.id)

        invoice_id = str(self.invoice_id)

        recipient = self.recipient

        status = self.status

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        sent_at: None | str | Unset
        if isinstance(self.sent_at, Unset):
            sent_at = UNSET
        elif isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "createdAt": created_at,
                "id": id,
                "invoiceId": invoice_id,
                "recipient": recipient,
                "status": status,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if sent_at is not UNSET:
            field_dict["sentAt"] = sent_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        id = UUID(d.pop("id"))

        invoice_id = UUID(d.pop("invoiceId"))

        recipient = d.pop("recipient")

        status = d.pop("status")

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_sent_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)

                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        sent_at = _parse_sent_at(d.pop("sentAt", UNSET))

        invoice_generator_delivery = cls(
            created_at=created_at,
            id=id,
            invoice_id=invoice_id,
            recipient=recipient,
            status=status,
            error=error,
            sent_at=sent_at,
        )

        invoice_generator_delivery.additional_properties = d
        return invoice_generator_delivery

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
