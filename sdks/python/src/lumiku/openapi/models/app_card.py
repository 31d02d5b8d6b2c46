from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.access import Access
    from ..models.app_card_credits import AppCardCredits
    from ..models.tenant_usage import TenantUsage


T = TypeVar("T", bound="AppCard")


@_attrs_define
class AppCard:
    """A dashboard card.

    Attributes:
        access (Access): Who may use an app.
        app_id (str): Kebab-case id.
        beta (bool): Beta badge.
        color (str): Card colour.
        credits_ (AppCardCredits): Credit cost per action.
        description (str): One sentence.
        icon (str): Lucide icon name.
        name (str): Display name.
        order (int): Position.
        route_prefix (str): Where its routes are.
        usage (TenantUsage): A tenant's use of an app.
        version (str): Version.
        stats_endpoint (None | str | Unset): Its stats endpoint.
    """

    access: Access
    app_id: str
    beta: bool
    color: str
    credits_: AppCardCredits
    description: str
    icon: str
    name: str
    order: int
    route_prefix: str
    usage: TenantUsage
    version: str
    stats_endpoint: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access = self.access.to_dict()

        app_id = self.app_id

        beta = self.beta

        color = self.color

        credits_ = self.credits_.to_dict()

        description = self.description

        icon = self.icon

        name = self.name

        order = self.order

        route_prefix = self.route_prefix

        usage = self.usage.to_dict()

        version = self.version

        stats_endpoint: None | str | Unset
        if isinstance(self.stats_endpoint, Unset):
            stats_endpoint = UNSET
        else:
            stats_endpoint = self.stats_endpoint

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access": access,
                "appId": app_id,
                "beta": beta,
                "color": color,
                "credits": credits_,
                "description": description,
                "icon": icon,
                "name": name,
                "order": order,
                "routePrefix": route_prefix,
                "usage": usage,
                "version": version,
            }
        )
        if stats_endpoint is not UNSET:
            field_dict["statsEndpoint"] = stats_endpoint

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.access import Access
        from ..models.app_card_credits import AppCardCredits
        from ..models.tenant_usage import TenantUsage

        d = dict(src_dict)
        access = Access.from_dict(d.pop("access"))

        app_id = d.pop("appId")

        beta = d.pop("beta")

        color = d.pop("color")

        credits_ = AppCardCredits.from_dict(d.pop("credits"))

        description = d.pop("description")

        icon = d.pop("icon")

        name = d.pop("name")

        order = d.pop("order")

        route_prefix = d.pop("routePrefix")

        usage = TenantUsage.from_dict(d.pop("usage"))

        version = d.pop("version")

        def _parse_stats_endpoint(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        stats_endpoint = _parse_stats_endpoint(d.pop("statsEndpoint", UNSET))

        app_card = cls(
            access=access,
            app_id=app_id,
            beta=beta,
            color=color,
            credits_=credits_,
            description=description,
            icon=icon,
            name=name,
            order=order,
            route_prefix=route_prefix,
            usage=usage,
            version=version,
            stats_endpoint=stats_endpoint,
        )

        app_card.additional_properties = d
        return app_card

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
