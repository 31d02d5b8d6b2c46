from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.missing_object import MissingObject


T = TypeVar("T", bound="SweepReport")


@_attrs_define
class SweepReport:
    """What a sweep found.

    Attributes:
        missing (list[MissingObject]): The first hundred of them.
        missing_count (int): Rows whose object is missing.
        objects (int): Objects in storage.
        orphan_bytes_removed (int): Their bytes.
        orphans_removed (int): Objects with no row, removed.
    """

    missing: list[MissingObject]
    missing_count: int
    objects: int
    orphan_bytes_removed: int
    orphans_removed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        missing = []
        for missing_item_data in self.missing:
            missing_item = missing_item_data.to_dict()
            missing.append(missing_item)

        missing_count = self.missing_count

        objects = self.objects

        orphan_bytes_removed = self.orphan_bytes_removed

        orphans_removed = self.orphans_removed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "missing": missing,
                "missingCount": missing_count,
                "objects": objects,
                "orphanBytesRemoved": orphan_bytes_removed,
                "orphansRemoved": orphans_removed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.missing_object import MissingObject

        d = dict(src_dict)
        missing = []
        _missing = d.pop("missing")
        for missing_item_data in _missing:
            missing_item = MissingObject.from_dict(missing_item_data)

            missing.append(missing_item)

        missing_count = d.pop("missingCount")

        objects = d.pop("objects")

        orphan_bytes_removed = d.pop("orphanBytesRemoved")

        orphans_removed = d.pop("orphansRemoved")

        sweep_report = cls(
            missing=missing,
            missing_count=missing_count,
            objects=objects,
            orphan_bytes_removed=orphan_bytes_removed,
            orphans_removed=orphans_removed,
        )

        sweep_report.additional_properties = d
        return sweep_report

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
