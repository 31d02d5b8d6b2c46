from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice_generator_outstanding import InvoiceGeneratorOutstanding


T = TypeVar("T", bound="InvoiceGeneratorStats")


@_attrs_define
class InvoiceGeneratorStats:
    """Figures for the dashboard card.

    Attributes:
        outstanding (list[InvoiceGeneratorOutstanding]): Open (sent or overdue) invoices by currency: how many and what
            they add up to.
    """

    outstanding: list[InvoiceGeneratorOutstanding]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        outstanding = []
        for outstanding_item_data in self.outstanding:
            outstanding_item = outstanding_item_data.to_dict()
            outstanding.append(outstanding_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "outstanding": outstanding,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_outstanding import InvoiceGeneratorOutstanding

        d = dict(src_dict)
        outstanding = []
        _outstanding = d.pop("outstanding")
        for outstanding_item_data in _outstanding:
            outstanding_item = InvoiceGeneratorOutstanding.from_dict(outstanding_item_data)

            outstanding.append(outstanding_item)

        invoice_generator_stats = cls(
            outstanding=outstanding,
        )

        invoice_generator_stats.additional_properties = d
        return invoice_generator_stats

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
