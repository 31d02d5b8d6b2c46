from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.field_errors import FieldErrors


T = TypeVar("T", bound="ErrorDetail")


@_attrs_define
class ErrorDetail:
    """The inside of [`ErrorBody`].

    Attributes:
        code (str): Stable machine-readable code, e.g. `invalid_credentials`.
        message (str): Human-readable sentence.
        current (int | None | Unset): On a 402: the tenant's balance.
        fields (FieldErrors | None | Unset):
        request_id (None | str | Unset): The id of the request, as in the `x-request-id` response header.
        required (int | None | Unset): On a 402: the credits the action costs.
        retry_after (int | None | Unset): On a 429: seconds to wait, as in the `Retry-After` header.
    """

    code: str
    message: str
    current: int | None | Unset = UNSET
    fields: FieldErrors | None | Unset = UNSET
    request_id: None | str | Unset = UNSET
    required: int | None | Unset = UNSET
    retry_after: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.field_errors import FieldErrors

        code = self.code

        message = self.message

        current: int | None | Unset
        if isinstance(self.current, Unset):
            current = UNSET
        else:
            current = self.current

        fields: dict[str, Any] | None | Unset
        if isinstance(self.fields, Unset):
            fields = UNSET
        elif isinstance(self.fields, FieldErrors):
            fields = self.fields.to_dict()
        else:
            fields = self.fields

        request_id: None | str | Unset
        if isinstance(self.request_id, Unset):
            request_id = UNSET
        else:
            request_id = self.request_id

        required: int | None | Unset
        if isinstance(self.required, Unset):
            required = UNSET
        else:
            required = self.required

        retry_after: int | None | Unset
        if isinstance(self.retry_after, Unset):
            retry_after = UNSET
        else:
            retry_after = self.retry_after

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if current is not UNSET:
            field_dict["current"] = current
        if fields is not UNSET:
            field_dict["fields"] = fields
        if request_id is not UNSET:
            field_dict["requestId"] = request_id
        if required is not UNSET:
            field_dict["required"] = required
        if retry_after is not UNSET:
            field_dict["retryAfter"] = retry_after

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.field_errors import FieldErrors

        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        def _parse_current(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        current = _parse_current(d.pop("current", UNSET))

        def _parse_fields(data: object) -> FieldErrors | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fields_type_0 = FieldErrors.from_dict(data)

                return fields_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FieldErrors | None | Unset, data)

        fields = _parse_fields(d.pop("fields", UNSET))

        def _parse_request_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        request_id = _parse_request_id(d.pop("requestId", UNSET))

        def _parse_required(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        required = _parse_required(d.pop("required", UNSET))

        def _parse_retry_after(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        retry_after = _parse_retry_after(d.pop("retryAfter", UNSET))

        error_detail = cls(
            code=code,
            message=message,
            current=current,
            fields=fields,
            request_id=request_id,
            required=required,
            retry_after=retry_after,
        )

        error_detail.additional_properties = d
        return error_detail

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
