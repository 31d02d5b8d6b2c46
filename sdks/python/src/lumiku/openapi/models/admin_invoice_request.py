from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.new_invoice_item import NewInvoiceItem


T = TypeVar("T", bound="AdminInvoiceRequest")


@_attrs_define
class AdminInvoiceRequest:
    """An administrator's invoice.

    Attributes:
        description (str): Summary.
        items (list[NewInvoiceItem]): Lines.
        issue (bool | Unset): Issue it now (numbered, payable) instead of keeping a draft. Default false.
    """

    description: str
    items: list[NewInvoiceItem]
    issue: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        issue = self.issue

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "items": items,
            }
        )
        if issue is not UNSET:
            field_dict["issue"] = issue

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.new_invoice_item import NewInvoiceItem

        d = dict(src_dict)
        description = d.pop("description")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = NewInvoiceItem.from_dict(items_item_data)

            items.append(items_item)

        issue = d.pop("issue", UNSET)

        admin_invoice_request = cls(
            description=description,
            items=items,
            issue=issue,
        )

        admin_invoice_request.additional_properties = d
        return admin_invoice_request

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
