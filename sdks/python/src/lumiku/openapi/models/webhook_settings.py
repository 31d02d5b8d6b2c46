from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookSettings")


@_attrs_define
class WebhookSettings:
    """The tenant's webhook settings.

    Attributes:
        credits_low_threshold (int | None | Unset): `credits.low` is sent when a debit takes the wallet below this many
            credits (1 or
            more); null for never.
    """

    credits_low_threshold: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        credits_low_threshold: int | None | Unset
        if isinstance(self.credits_low_threshold, Unset):
            credits_low_threshold = UNSET
        else:
            credits_low_threshold = self.credits_low_threshold

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if credits_low_threshold is not UNSET:
            field_dict["creditsLowThreshold"] = credits_low_threshold

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_credits_low_threshold(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        credits_low_threshold = _parse_credits_low_threshold(d.pop("creditsLowThreshold", UNSET))

        webhook_settings = cls(
            credits_low_threshold=credits_low_threshold,
        )

        return webhook_settings
