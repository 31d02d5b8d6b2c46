from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.exported_person import ExportedPerson
    from ..models.tenant_export_apps import TenantExportApps
    from ..models.tenant_export_core import TenantExportCore
    from ..models.tenant_export_tenant import TenantExportTenant


T = TypeVar("T", bound="TenantExport")


@_attrs_define
class TenantExport:
    """A tenant's data, as of one moment.

    Attributes:
        apps (TenantExportApps): For each app compiled into the server, its tables, each the list of the tenant's rows.
        core (TenantExportCore): The core's tables (`ledger_entries`, `invoices`, `audit_events`, ...), each the list of
            the tenant's rows, column to value: UUIDs and times (RFC 3339) as text, JSON documents as
            their text, booleans and numbers as themselves.
        exported_at (datetime.datetime): When it was read.
        format_ (str): Always `lumiku.tenant-export`.
        people (list[ExportedPerson]): The accounts of its members.
        tenant (TenantExportTenant): The tenant's own row (`id`, `name`, `kind`, ...).
        version (int): The shape's version, raised when a reader must know of a change.
    """

    apps: TenantExportApps
    core: TenantExportCore
    exported_at: datetime.datetime
    format_: str
    people: list[ExportedPerson]
    tenant: TenantExportTenant
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        apps = self.apps.to_dict()

        core = self.core.to_dict()

        exported_at = self.exported_at.isoformat()

        format_ = self.format_

        people = []
        for people_item_data in self.people:
            people_item = people_item_data.to_dict()
            people.append(people_item)

        tenant = self.tenant.to_dict()

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "apps": apps,
                "core": core,
                "exportedAt": exported_at,
                "format": format_,
                "people": people,
                "tenant": tenant,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.exported_person import ExportedPerson
        from ..models.tenant_export_apps import TenantExportApps
        from ..models.tenant_export_core import TenantExportCore
        from ..models.tenant_export_tenant import TenantExportTenant

        d = dict(src_dict)
        apps = TenantExportApps.from_dict(d.pop("apps"))

        core = TenantExportCore.from_dict(d.pop("core"))

        exported_at = datetime.datetime.fromisoformat(d.pop("exportedAt"))

        format_ = d.pop("format")

        people = []
        _people = d.pop("people")
        for people_item_data in _people:
            people_item = ExportedPerson.from_dict(people_item_data)

            people.append(people_item)

        tenant = TenantExportTenant.from_dict(d.pop("tenant"))

        version = d.pop("version")

        tenant_export = cls(
            apps=apps,
            core=core,
            exported_at=exported_at,
            format_=format_,
            people=people,
            tenant=tenant,
            version=version,
        )

        tenant_export.additional_properties = d
        return tenant_export

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
