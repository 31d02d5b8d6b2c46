from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.invoice_generator_client import InvoiceGeneratorClient


T = TypeVar("T", bound="InvoiceGeneratorClientBody")


@_attrs_define
class InvoiceGeneratorClientBody:
    """One client.

    Attributes:
        client (InvoiceGeneratorClient): A client of the tenant.
    """

    client: InvoiceGeneratorClient
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client = self.client.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client": client,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.invoice_generator_client import InvoiceGeneratorClient

        d = dict(src_dict)
        client = InvoiceGeneratorClient.from_dict(d.pop("client"))

        invoice_generator_client_body = cls(
            client=client,
        )

        invoice_generator_client_body.additional_properties = d
        return invoice_generator_client_body

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
