from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BillingReport")


@_attrs_define
class BillingReport:
    """What one run of the billing cycle changed.

    Attributes:
        apps_purged (int): Apps uninstalled longer than their retention whose rows were deleted.
        credits_granted (int): Credits granted in all.
        payments_expired (int): Pending payments past their expiry, now expired.
        periods_granted (int): Periods granted their monthly credits.
        renewals_invoiced (int): Subscriptions whose period ended, now past due with a renewal invoice.
        subscriptions_canceled (int): Subscriptions ended (at the period's end as asked, or after the grace period
            unpaid).
    """

    apps_purged: int
    credits_granted: int
    payments_expired: int
    periods_granted: int
    renewals_invoiced: int
    subscriptions_canceled: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        apps_purged = self.apps_purged

        credits_granted = self.credits_granted

        payments_expired = self.payments_expired

        periods_granted = self.periods_granted

        renewals_invoiced = self.renewals_invoiced

        subscriptions_canceled = self.subscriptions_canceled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "appsPurged": apps_purged,
                "creditsGranted": credits_granted,
                "paymentsExpired": payments_expired,
                "periodsGranted": periods_granted,
                "renewalsInvoiced": renewals_invoiced,
                "subscriptionsCanceled": subscriptions_canceled,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        apps_purged = d.pop("appsPurged")

        credits_granted = d.pop("creditsGranted")

        payments_expired = d.pop("paymentsExpired")

        periods_granted = d.pop("periodsGranted")

        renewals_invoiced = d.pop("renewalsInvoiced")

        subscriptions_canceled = d.pop("subscriptionsCanceled")

        billing_report = cls(
            apps_purged=apps_purged,
            credits_granted=credits_granted,
            payments_expired=payments_expired,
            periods_granted=periods_granted,
            renewals_invoiced=renewals_invoiced,
            subscriptions_canceled=subscriptions_canceled,
        )

        billing_report.additional_properties = d
        return billing_report

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
