from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PackagePatch")


@_attrs_define
class PackagePatch:
    """An administrator's change to a credit package; absent fields stay.

    Attributes:
        active (bool | None | Unset): On sale.
        bonus_credits (int | None | Unset): Bonus credits.
        credits_ (int | None | Unset): Credits.
        name (None | str | Unset): Display name.
        price_idr (int | None | Unset): Price in rupiah.
        sort_order (int | None | Unset): Position.
    """

    active: bool | None | Unset = UNSET
    bonus_credits: int | None | Unset = UNSET
    credits_: int | None | Unset = UNSET
    name: None | str | Unset = UNSET
    price_idr: int | None | Unset = UNSET
    sort_order: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active: bool | None | Unset
        if isinstance(self.active, Unset):
            active = UNSET
        else:
            active = self.active

        bonus_credits: int | None | Unset
        if isinstance(self.bonus_credits, Unset):
            bonus_credits = UNSET
        else:
            bonus_credits = self.bonus_credits

        credits_: int | None | Unset
        if isinstance(self.credits_, Unset):
            credits_ = UNSET
        else:
            credits_ = self.credits_

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if active is not UNSET:
            field_dict["active"] = active
        if bonus_credits is not UNSET:
            field_dict["bonusCredits"] = bonus_credits
        if credits_ is not UNSET:
            field_dict["credits"] = credits_
        if name is not UNSET:
            field_dict["name"] = name
        if price_idr is not UNSET:
            field_dict["priceIdr"] = price_idr
        if sort_order is not UNSET:
            field_dict["sortOrder"] = sort_order

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

        def _parse_bonus_credits(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        bonus_credits = _parse_bonus_credits(d.pop("bonusCredits", UNSET))

        def _parse_credits_(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        credits_ = _parse_credits_(d.pop("credits", UNSET))

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

        package_patch = cls(
            active=active,
            bonus_credits=bonus_credits,
            credits_=credits_,
            name=name,
            price_idr=price_idr,
            sort_order=sort_order,
        )

        package_patch.additional_properties = d
        return package_patch

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
