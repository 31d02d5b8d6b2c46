from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tier import Tier

T = TypeVar("T", bound="Plan")


@_attrs_define
class Plan:
    """A subscription plan.

    Attributes:
        active (bool): Offered to new subscribers.
        features (list[str]): What it offers, one line each.
        id (str): Slug: `free`, `basic`, `pro`, `enterprise`, ...
        monthly_credits (int): Credits granted at the start of every paid month.
        name (str): Display name.
        price_idr (int): Monthly price in rupiah.
        sort_order (int): Position in the catalogue.
        storage_quota_bytes (int): Bytes of blob storage (the File Manager's files, say) a tenant on this plan may keep.
        tier (Tier): Subscription tiers, lowest first; `minSubscriptionTier` compares on this order.
        trial_days (int): Days of free trial for a tenant's first subscription to it.
    """

    active: bool
    features: list[str]
    id: str
    monthly_credits: int
    name: str
    price_idr: int
    sort_order: int
    storage_quota_bytes: int
    tier: Tier
    trial_days: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        features = self.features

        id = self.id

        monthly_credits = self.monthly_credits

        name = self.name

        price_idr = self.price_idr

        sort_order = self.sort_order

        storage_quota_bytes = self.storage_quota_bytes

        tier = self.tier.value

        trial_days = self.trial_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "features": features,
                "id": id,
                "monthlyCredits": monthly_credits,
                "name": name,
                "priceIdr": price_idr,
                "sortOrder": sort_order,
                "storageQuotaBytes": storage_quota_bytes,
                "tier": tier,
                "trialDays": trial_days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active = d.pop("active")

        features = cast(list[str], d.pop("features"))

        id = d.pop("id")

        monthly_credits = d.pop("monthlyCredits")

        name = d.pop("name")

        price_idr = d.pop("priceIdr")

        sort_order = d.pop("sortOrder")

        storage_quota_bytes = d.pop("storageQuotaBytes")

        tier = Tier(d.pop("tier"))

        trial_days = d.pop("trialDays")

        plan = cls(
            active=active,
            features=features,
            id=id,
            monthly_credits=monthly_credits,
            name=name,
            price_idr=price_idr,
            sort_order=sort_order,
            storage_quota_bytes=storage_quota_bytes,
            tier=tier,
            trial_days=trial_days,
        )

        plan.additional_properties = d
        return plan

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
