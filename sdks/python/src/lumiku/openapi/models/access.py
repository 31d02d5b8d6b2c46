from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..models.tier import Tier
from ..types import UNSET, Unset

T = TypeVar("T", bound="Access")


@_attrs_define
class Access:
    """Who may use an app.

    Attributes:
        allowed_roles (list[Role]): The tenant roles that may open it; metered actions further need the write
            permission.
        requires_auth (bool): A valid access token is required (every app with metered actions requires one).
        requires_subscription (bool): Only tenants with a paid subscription may use it.
        min_subscription_tier (None | Tier | Unset):
    """

    allowed_roles: list[Role]
    requires_auth: bool
    requires_subscription: bool
    min_subscription_tier: None | Tier | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed_roles = []
        for allowed_roles_item_data in self.allowed_roles:
            allowed_roles_item = allowed_roles_item_data.value
            allowed_roles.append(allowed_roles_item)

        requires_auth = self.requires_auth

        requires_subscription = self.requires_subscription

        min_subscription_tier: None | str | Unset
        if isinstance(self.min_subscription_tier, Unset):
            min_subscription_tier = UNSET
        elif isinstance(self.min_subscription_tier, Tier):
            min_subscription_tier = self.min_subscription_tier.value
        else:
            min_subscription_tier = self.min_subscription_tier

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowedRoles": allowed_roles,
                "requiresAuth": requires_auth,
                "requiresSubscription": requires_subscription,
            }
        )
        if min_subscription_tier is not UNSET:
            field_dict["minSubscriptionTier"] = min_subscription_tier

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        allowed_roles = []
        _allowed_roles = d.pop("allowedRoles")
        for allowed_roles_item_data in _allowed_roles:
            allowed_roles_item = Role(allowed_roles_item_data)

            allowed_roles.append(allowed_roles_item)

        requires_auth = d.pop("requiresAuth")

        requires_subscription = d.pop("requiresSubscription")

        def _parse_min_subscription_tier(data: object) -> None | Tier | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                min_subscription_tier_type_0 = Tier(data)

                return min_subscription_tier_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Tier | Unset, data)

        min_subscription_tier = _parse_min_subscription_tier(d.pop("minSubscriptionTier", UNSET))

        access = cls(
            allowed_roles=allowed_roles,
            requires_auth=requires_auth,
            requires_subscription=requires_subscription,
            min_subscription_tier=min_subscription_tier,
        )

        access.additional_properties = d
        return access

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
