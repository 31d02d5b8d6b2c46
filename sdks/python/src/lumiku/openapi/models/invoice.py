from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_kind import InvoiceKind
from ..models.invoice_status import InvoiceStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invoice_item import InvoiceItem


T = TypeVar("T", bound="Invoice")


@_attrs_define
class Invoice:
    """An invoice with its lines.

    Attributes:
        bonus_credits (int): Bonus credits paying it adds.
        created_at (datetime.datetime): Created.
        credits_ (int): Credits paying it adds.
        currency (str): `IDR`.
        description (str): Summary.
        id (UUID): Id.
        items (list[InvoiceItem]): Lines.
        kind (InvoiceKind): What an invoice is for.
        status (InvoiceStatus): `draft` (not yet issued, no number), `open` (issued, unpaid), `paid`, `void`.
        tenant_id (UUID): The tenant billed.
        total_idr (int): Total in rupiah.
        display_number (None | str | Unset): `INV-000042`.
        due_at (datetime.datetime | None | Unset): Payment due.
        issued_at (datetime.datetime | None | Unset): Issued (numbered).
        number (int | None | Unset): Sequence number within the tenant, from 1 without gaps; none while draft.
        package_id (None | str | Unset): The package, for a credits invoice.
        paid_at (datetime.datetime | None | Unset): Paid.
        period_end (datetime.datetime | None | Unset): End of that period.
        period_start (datetime.datetime | None | Unset): The period a renewal pays for.
        plan_id (None | str | Unset): The plan, for a subscription invoice.
        voided_at (datetime.datetime | None | Unset): Voided.
    """

    bonus_credits: int
    created_at: datetime.datetime
    credits_: int
    currency: str
    description: str
    id: UUID
    items: list[InvoiceItem]
    kind: InvoiceKind
    status: InvoiceStatus
    tenant_id: UUID
    total_idr: int
    display_number: None | str | Unset = UNSET
    due_at: datetime.datetime | None | Unset = UNSET
    issued_at: datetime.datetime | None | Unset = UNSET
    number: int | None | Unset = UNSET
    package_id: None | str | Unset = UNSET
    paid_at: datetime.datetime | None | Unset = UNSET
    period_end: datetime.datetime | None | Unset = UNSET
    period_start: datetime.datetime | None | Unset = UNSET
    plan_id: None | str | Unset = UNSET
    voided_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        bonus_credits = self.bonus_credits

        created_at = self.created_at.isoformat()

        credits_ = self.credits_

        currency = self.currency

        description = self.description

        id = str(self.id)

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        kind = self.kind.value

        status = self.status.value

        tenant_id = str(self.tenant_id)

        total_idr = self.total_idr

        display_number: None | str | Unset
        if isinstance(self.display_number, Unset):
            display_number = UNSET
        else:
            display_number = self.display_number

        due_at: None | str | Unset
        if isinstance(self.due_at, Unset):
            due_at = UNSET
        elif isinstance(self.due_at, datetime.datetime):
            due_at = self.due_at.isoformat()
        else:
            due_at = self.due_at

        issued_at: None | str | Unset
        if isinstance(self.issued_at, Unset):
            issued_at = UNSET
        elif isinstance(self.issued_at, datetime.datetime):
            issued_at = self.issued_at.isoformat()
        else:
            issued_at = self.issued_at

        number: int | None | Unset
        if isinstance(self.number, Unset):
            number = UNSET
        else:
            number = self.number

        package_id: None | str | Unset
        if isinstance(self.package_id, Unset):
            package_id = UNSET
        else:
            package_id = self.package_id

        paid_at: None | str | Unset
        if isinstance(self.paid_at, Unset):
            paid_at = UNSET
        elif isinstance(self.paid_at, datetime.datetime):
            paid_at = self.paid_at.isoformat()
        else:
            paid_at = self.paid_at

        period_end: None | str | Unset
        if isinstance(self.period_end, Unset):
            period_end = UNSET
        elif isinstance(self.period_end, datetime.datetime):
            period_end = self.period_end.isoformat()
        else:
            period_end = self.period_end

        period_start: None | str | Unset
        if isinstance(self.period_start, Unset):
            period_start = UNSET
        elif isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        plan_id: None | str | Unset
        if isinstance(self.plan_id, Unset):
            plan_id = UNSET
        else:
            plan_id = self.plan_id

        voided_at: None | str | Unset
        if isinstance(self.voided_at, Unset):
            voided_at = UNSET
        elif isinstance(self.voided_at, datetime.datetime):
            voided_at = self.voided_at.isoformat()
        else:
            voided_at = self.voided_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "bonusCredits": bonus_credits,
                "createdAt": created_at,
                "credits": credits_,
                "currency": currency,
                "description": description,
                "id": id,
                "items": items,
                "kind": kind,
                "status": status,
                "tenantId": tenant_id,
                "totalIdr": total_idr,
            }
        )
        if display_number is not UNSET:
            field_dict["displayNumber"] = display_number
        if due_at is not UNSET:
            field_dict["dueAt"] = due_at
        if issued_at is not UNSET:
            field_dict["issuedAt"] = issued_at
        if number is not UNSET:
            field_dict["number"] = number
        if package_id is not UNSET:
            field_dict["packageId"] = package_id
        if paid_at is not UNSET:
            field_dict["paidAt"] = paid_at
        if period_end is not UNSET:
            field_dict["periodEnd"] = period_end
        if period_start is not UNSET:
            field_dict["periodStart"] = period_start
        if plan_id is not UNSET:
            field_dict["planId"] = plan_id
        if voided_at is not UNSET:
            field_dict["voidedAt"] = voided_at

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_item import InvoiceItem

        d = dict(src_dict)
        bonus_credits = d.pop("bonusCredits")

        created_at = datetime.datetime.fromisoformat(d.pop("createdAt"))

        credits_ = d.pop("credits")

        currency = d.pop("currency")

        description = d.pop("description")

        id = UUID(d.pop("id"))

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = InvoiceItem.from_dict(items_item_data)

            items.append(items_item)

        kind = InvoiceKind(d.pop("kind"))

        status = InvoiceStatus(d.pop("status"))

        tenant_id = UUID(d.pop("tenantId"))

        total_idr = d.pop("totalIdr")

        def _parse_display_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_number = _parse_display_number(d.pop("displayNumber", UNSET))

        def _parse_due_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_at_type_0 = datetime.datetime.fromisoformat(data)

                return due_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        due_at = _parse_due_at(d.pop("dueAt", UNSET))

        def _parse_issued_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_at_type_0 = datetime.datetime.fromisoformat(data)

                return issued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        issued_at = _parse_issued_at(d.pop("issuedAt", UNSET))

        def _parse_number(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        number = _parse_number(d.pop("number", UNSET))

        def _parse_package_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        package_id = _parse_package_id(d.pop("packageId", UNSET))

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

        def _parse_period_end(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_end_type_0 = datetime.datetime.fromisoformat(data)

                return period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        period_end = _parse_period_end(d.pop("periodEnd", UNSET))

        def _parse_period_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        period_start = _parse_period_start(d.pop("periodStart", UNSET))

        def _parse_plan_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        plan_id = _parse_plan_id(d.pop("planId", UNSET))

        def _parse_voided_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                voided_at_type_0 = datetime.datetime.fromisoformat(data)

                return voided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        voided_at = _parse_voided_at(d.pop("voidedAt", UNSET))

        invoice = cls(
            bonus_credits=bonus_credits,
            created_at=created_at,
            credits_=credits_,
            currency=currency,
            description=description,
            id=id,
            items=items,
            kind=kind,
            status=status,
            tenant_id=tenant_id,
            total_idr=total_idr,
            display_number=display_number,
            due_at=due_at,
            issued_at=issued_at,
            number=number,
            package_id=package_id,
            paid_at=paid_at,
            period_end=period_end,
            period_start=period_start,
            plan_id=plan_id,
            voided_at=voided_at,
        )

        invoice.additional_properties = d
        return invoice

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
