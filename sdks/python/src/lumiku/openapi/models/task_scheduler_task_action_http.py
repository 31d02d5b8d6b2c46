from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.task_scheduler_http_method import TaskSchedulerHttpMethod
from ..models.task_scheduler_task_action_http_type import TaskSchedulerTaskActionHttpType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.task_scheduler_task_action_http_headers import TaskSchedulerTaskActionHttpHeaders


T = TypeVar("T", bound="TaskSchedulerTaskActionHttp")


@_attrs_define
class TaskSchedulerTaskActionHttp:
    """An HTTP request; a 2xx answer is a success. Its status and the first 4 KiB of its body
    are kept.

        Attributes:
            type_ (TaskSchedulerTaskActionHttpType):
            url (str): An `http` or `https` URL on a public address, at most 2048 characters.
            body (None | str | Unset): Request body (at most 64 KiB as UTF-8).
            headers (TaskSchedulerTaskActionHttpHeaders | Unset):
            method (TaskSchedulerHttpMethod | Unset): An HTTP action's method, for the document.
            timeout_secs (int | None | Unset): Seconds to wait for the answer, 1 to 30 (default 30).
    """

    type_: TaskSchedulerTaskActionHttpType
    url: str
    body: None | str | Unset = UNSET
    headers: TaskSchedulerTaskActionHttpHeaders | Unset = UNSET
    method: TaskSchedulerHttpMethod | Unset = UNSET
    timeout_secs: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_.value

        url = self.url

        body: None | str | Unset
        if isinstance(self.body, Unset):
            body = UNSET
        else:
            body = self.body

        headers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.headers, Unset):
            headers = self.headers.to_dict()

        method: str | Unset = UNSET
        if not isinstance(self.method, Unset):
            method = self.method.value

        timeout_secs: int | None | Unset
        if isinstance(self.timeout_secs, Unset):
            timeout_secs = UNSET
        else:
            timeout_secs = self.timeout_secs

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "url": url,
            }
        )
        if body is not UNSET:
            field_dict["body"] = body
        if headers is not UNSET:
            field_dict["headers"] = headers
        if method is not UNSET:
            field_dict["method"] = method
        if timeout_secs is not UNSET:
            field_dict["timeoutSecs"] = timeout_secs

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.task_scheduler_task_action_http_headers import TaskSchedulerTaskActionHttpHeaders

        d = dict(src_dict)
        type_ = TaskSchedulerTaskActionHttpType(d.pop("type"))

        url = d.pop("url")

        def _parse_body(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        body = _parse_body(d.pop("body", UNSET))

        _headers = d.pop("headers", UNSET)
        headers: TaskSchedulerTaskActionHttpHeaders | Unset
        if isinstance(_headers, Unset):
            headers = UNSET
        else:
            headers = TaskSchedulerTaskActionHttpHeaders.from_dict(_headers)

        _method = d.pop("method", UNSET)
        method: TaskSchedulerHttpMethod | Unset
        if isinstance(_method, Unset):
            method = UNSET
        else:
            method = TaskSchedulerHttpMethod(_method)

        def _parse_timeout_secs(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        timeout_secs = _parse_timeout_secs(d.pop("timeoutSecs", UNSET))

        task_scheduler_task_action_http = cls(
            type_=type_,
            url=url,
            body=body,
            headers=headers,
            method=method,
            timeout_secs=timeout_secs,
        )

        task_scheduler_task_action_http.additional_properties = d
        return task_scheduler_task_action_http

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
