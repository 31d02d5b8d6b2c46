from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CreditPackage")


@_attrs_define
class CreditPackage:
    """A one-off bundle of credits.

    Attributes:
        active (bool): On sale.
        bonus_credits (int): Credits given on top.
        credits_ (int): Credits bought.
        id (str): Slug.
        name (str): Display name.
        price_idr (int): Price in rupiah.
        sort_order (int): Position in the catalogue.
    """

    active: bool
    bonus_credits: int
    credits_: int
    id: str
    name: str
    price_idr: int
    sort_order: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        bonus_credits = self.bonus_credits

        credits_ = self.credits_

        id = self.id

        name = self.name

        price_idr = self.price_idr

        sort_order = self.sort_order

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
                "bonusCredits": bonus_credits,
                "credits": credits_,
                "id": id,
                "name": name,
                "priceIdr": price_idr,
                "sortOrder": sort_order,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        active = d.pop("active")

        bonus_credits = d.pop("bonusCredits")

        credits_ = d.pop("credits")

        id = d.pop("id")

        name = d.pop("name")

        price_idr = d.pop("priceIdr")

        sort_order = d.pop("sortOrder")

        credit_package = cls(
            active=active,
            bonus_credits=bonus_credits,
            credits_=credits_,
            id=id,
            name=name,
            price_idr=price_idr,
            sort_order=sort_order,
        )

        credit_package.additional_properties = d
        return credit_package

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
