from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PlanPatch")


@_attrs_define
class PlanPatch:
    """An administrator's change to a plan; absent fields stay.

    Attributes:
        active (bool | None | Unset): Offered to new subscribers.
        features (list[str] | None | Unset): Feature lines.
        monthly_credits (int | None | Unset): Monthly credits.
        name (None | str | Unset): Display name.
        price_idr (int | None | Unset): Monthly price in rupiah.
        sort_order (int | None | Unset): Position.
        storage_quota_bytes (int | None | Unset): Blob storage quota in bytes (at most 1 PiB).
        trial_days (int | None | Unset): Trial days.
    """

    active: bool | None | Unset = UNSET
    features: list[str] | None | Unset = UNSET
    monthly_credits: int | None | Unset = UNSET
    name: None | str | Unset = UNSET
    price_idr: int | None | Unset = UNSET
    sort_order: int | None | Unset = UNSET
    storage_quota_bytes: int | None | Unset = UNSET
    trial_days: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        features: list[str] | None | Unset
        if isinstance(self.features, Unset):
            features = UNSET
        elif isinstance(self.features, list):
            features = self.features

        else:
            features = self.features

        monthly_credits: int | None | Unset
        if isinstance(self.monthly_credits, Unset):
            monthly_credits = UNSET
        else:
            monthly_credits = self.monthly_credits

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        price_idr: int | None | Unset
        if isinstance(self.price_idr, Unset):
            price_idr = UNSET
        else:
            price_idr = self.price_idr

        sort_order: int | None | Unset
        if isinstance(self.sort_order, Unset):
            sort_order = UNSET
        else:
            sort_order = self.sort_order

        storage_quota_bytes: int | None | Unset
        if isinstance(self.storage_quota_bytes, Unset):
            storage_quota_bytes = UNSET
        else:
            storage_quota_bytes = self.storage_quota_bytes

        trial_days: int | None | Unset
        if isinstance(self.trial_days, Unset):
            trial_days = UNSET
        else:
            trial_days = self.trial_days

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if features is not UNSET:
            field_dict["features"] = features
        if monthly_credits is not UNSET:
            field_dict["monthlyCredits"] = monthly_credits
        if name is not UNSET:
            field_dict["name"] = name
        if price_idr is not UNSET:
            field_dict["priceIdr"] = price_idr
        if sort_order is not UNSET:
            field_dict["sortOrder"] = sort_order
        if storage_quota_bytes is not UNSET:
            field_dict["storageQuotaBytes"] = storage_quota_bytes
        if trial_days is not UNSET:
            field_dict["trialDays"] = trial_days

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_active(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        active = _parse_active(d.pop("active", UNSET))

        def _parse_features(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                features_type_0 = cast(list[str], data)

                return features_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        features = _parse_features(d.pop("features", UNSET))

        def _parse_monthly_credits(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        monthly_credits = _parse_monthly_credits(d.pop("monthlyCredits", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_price_idr(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        price_idr = _parse_price_idr(d.pop("priceIdr", UNSET))

        def _parse_sort_order(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        sort_order = _parse_sort_order(d.pop("sortOrder", UNSET))

        def _parse_storage_quota_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        storage_quota_bytes = _parse_storage_quota_bytes(d.pop("storageQuotaBytes", UNSET))

        def _parse_trial_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        trial_days = _parse_trial_days(d.pop("trialDays", UNSET))

        plan_patch = cls(
            active=active,
            features=features,
            monthly_credits=monthly_credits,
            name=name,
            price_idr=price_idr,
            sort_order=sort_order,
            storage_quota_bytes=storage_quota_bytes,
            trial_days=trial_days,
        )

        plan_patch.additional_properties = d
        return plan_patch

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
