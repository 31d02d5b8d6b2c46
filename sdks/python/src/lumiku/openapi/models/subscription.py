from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_status import SubscriptionStatus
from ..models.tier import Tier
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.invoice import Invoice
    from ..models.plan import Plan


T = TypeVar("T", bound="Subscription")


@_attrs_define
class Subscription:
    """A tenant's subscription as its members see it. A tenant that never subscribed is on the free
    plan, `active`, without a period.

        Attributes:
            cancel_at_period_end (bool): Ends at the period's end instead of renewing.
            plan (Plan): A subscription plan.
            status (SubscriptionStatus): Where a subscription stands.
            tenant_id (UUID): The tenant.
            tier (Tier): Subscription tiers, lowest first; `minSubscriptionTier` compares on this order.
            canceled_at (datetime.datetime | None | Unset): When it was canceled.
            current_period_end (datetime.datetime | None | Unset): End of the current period (renewal, trial end or
                cancellation).
            current_period_start (datetime.datetime | None | Unset): Start of the current period.
            open_invoice (Invoice | None | Unset):
    """

    cancel_at_period_end: bool
    plan: Plan
    status: SubscriptionStatus
    tenant_id: UUID
    tier: Tier
    canceled_at: datetime.datetime | None | Unset = UNSET
    current_period_end: datetime.datetime | None | Unset = UNSET
    current_period_start: datetime.datetime | None | Unset = UNSET
    open_invoice: Invoice | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.invoice import Invoice

        cancel_at_period_end = self.cancel_at_period_end

        plan = self.plan.to_dict()

        status = self.status.value

        tenant_id = str(self.tenant_id)

        tier = self.tier.value

        canceled_at: None | str | Unset
        if isinstance(self.canceled_at, Unset):
            canceled_at = UNSET
        elif isinstance(self.canceled_at, datetime.datetime):
            canceled_at = self.canceled_at.isoformat()
        else:
            canceled_at = self.canceled_at

        current_period_end: None | str | Unset
        if isinstance(self.current_period_end, Unset):
            current_period_end = UNSET
        elif isinstance(self.current_period_end, datetime.datetime):
            current_period_end = self.current_period_end.isoformat()
        else:
            current_period_end = self.current_period_end

        current_period_start: None | str | Unset
        if isinstance(self.current_period_start, Unset):
            current_period_start = UNSET
        elif isinstance(self.current_period_start, datetime.datetime):
            current_period_start = self.current_period_start.isoformat()
        else:
            current_period_start = self.current_period_start

        open_invoice: dict[str, Any] | None | Unset
        if isinstance(self.open_invoice, Unset):
            open_invoice = UNSET
        elif isinstance(self.open_invoice, Invoice):
            open_invoice = self.open_invoice.to_dict()
        else:
            open_invoice = self.open_invoice

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cancelAtPeriodEnd": cancel_at_period_end,
                "plan": plan,
                "status": status,
                "tenantId": tenant_id,
                "tier": tier,
            }
        )
        if canceled_at is not UNSET:
            field_dict["canceledAt"] = canceled_at
        if current_period_end is not UNSET:
            field_dict["currentPeriodEnd"] = current_period_end
        if current_period_start is not UNSET:
            field_dict["currentPeriodStart"] = current_period_start
        if open_invoice is not UNSET:
            field_dict["openInvoice"] = open_invoice

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice import Invoice
        from ..models.plan import Plan

        d = dict(src_dict)
        cancel_at_period_end = d.pop("cancelAtPeriodEnd")

        plan = Plan.from_dict(d.pop("plan"))

        status = SubscriptionStatus(d.pop("status"))

        tenant_id = UUID(d.pop("tenantId"))

        tier = Tier(d.pop("tier"))

        def _parse_canceled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                canceled_at_type_0 = datetime.datetime.fromisoformat(data)

                return canceled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        canceled_at = _parse_canceled_at(d.pop("canceledAt", UNSET))

        def _parse_current_period_end(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_period_end_type_0 = datetime.datetime.fromisoformat(data)

                return current_period_end_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        current_period_end = _parse_current_period_end(d.pop("currentPeriodEnd", UNSET))

        def _parse_current_period_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                current_period_start_type_0 = datetime.datetime.fromisoformat(data)

                return current_period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        current_period_start = _parse_current_period_start(d.pop("currentPeriodStart", UNSET))

        def _parse_open_invoice(data: object) -> Invoice | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                open_invoice_type_0 = Invoice.from_dict(data)

                return open_invoice_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Invoice | None | Unset, data)

        open_invoice = _parse_open_invoice(d.pop("openInvoice", UNSET))

        subscription = cls(
            cancel_at_period_end=cancel_at_period_end,
            plan=plan,
            status=status,
            tenant_id=tenant_id,
            tier=tier,
            canceled_at=canceled_at,
            current_period_end=current_period_end,
            current_period_start=current_period_start,
            open_invoice=open_invoice,
        )

        subscription.additional_properties = d
        return subscription

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
