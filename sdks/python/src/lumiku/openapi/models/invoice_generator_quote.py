from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice_generator_line import InvoiceGeneratorLine
    from ..models.invoice_generator_quote_text import InvoiceGeneratorQuoteText
    from ..models.invoice_generator_totals import InvoiceGeneratorTotals


T = TypeVar("T", bound="InvoiceGeneratorQuote")


@_attrs_define
class InvoiceGeneratorQuote:
    """Priced lines and totals.

    Attributes:
        due_date (str): `YYYY-MM-DD`, with the defaults applied.
        formatted (InvoiceGeneratorQuoteText): A quote's figures as text.
        lines (list[InvoiceGeneratorLine]):
        total_formatted (str): The total written the currency's way.
        totals (InvoiceGeneratorTotals): An invoice's figures: the sums of its lines'.
    """

    due_date: str
    formatted: InvoiceGeneratorQuoteText
    lines: list[InvoiceGeneratorLine]
    total_formatted: str
    totals: InvoiceGeneratorTotals
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        due_date = self.due_date

        formatted = self.formatted.to_dict()

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        total_formatted = self.total_formatted

        totals = self.totals.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dueDate": due_date,
                "formatted": formatted,
                "lines": lines,
                "totalFormatted": total_formatted,
                "totals": totals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_line import InvoiceGeneratorLine
        from ..models.invoice_generator_quote_text import InvoiceGeneratorQuoteText
        from ..models.invoice_generator_totals import InvoiceGeneratorTotals

        d = dict(src_dict)
        due_date = d.pop("dueDate")

        formatted = InvoiceGeneratorQuoteText.from_dict(d.pop("formatted"))

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = InvoiceGeneratorLine.from_dict(lines_item_data)

            lines.append(lines_item)

        total_formatted = d.pop("totalFormatted")

        totals = InvoiceGeneratorTotals.from_dict(d.pop("totals"))

        invoice_generator_quote = cls(
            due_date=due_date,
            formatted=formatted,
            lines=lines,
            total_formatted=total_formatted,
            totals=totals,
        )

        invoice_generator_quote.additional_properties = d
        return invoice_generator_quote

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
