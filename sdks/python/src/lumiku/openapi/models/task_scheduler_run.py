from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="TaskSchedulerRun")


@_attrs_define
class TaskSchedulerRun:
    """One run of a task.

    Attributes:
        attempt (int): Attempt for this due time, from 1.
        credits_ (int): Credits charged for it.
        due_at (datetime.datetime): The due time it ran for.
        id (UUID): Id.
        outcome (str): `running`, `succeeded`, `failed`, `skipped` or `interrupted` (its node stopped mid-run).
        started_at (datetime.datetime): When it started.
        duration_ms (int | None | Unset): How long it took.
        error (None | str | Unset): What went wrong, or why it was skipped.
        response (None | str | Unset): The first 4 KiB of the answer's body.
        status_code (int | None | Unset): The HTTP status answered.
    """

    attempt: int
    credits_: int
    due_at: datetime.datetime
    id: UUID
    outcome: str
    started_at: datetime.datetime
    duration_ms: int | None | Unset = UNSET
    error: None | str | Unset = UNSET
    response: None | str | Unset = UNSET
    status_code: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        attempt = self.attempt

        credits_ = self.credits_

        due_at = self.due_at.isoformat()

        id = str(self.id)

        outcome = self.outcome

        started_at = self.started_at.isoformat()

        duration_ms: int | None | Unset
        if isinstance(self.duration_ms, Unset):
            duration_ms = UNSET
        else:
            duration_ms = self.duration_ms

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        response: None | str | Unset
        if isinstance(self.response, Unset):
            response = UNSET
        else:
            response = self.response

        status_code: int | None | Unset
        if isinstance(self.status_code, Unset):
            status_code = UNSET
        else:
            status_code = self.status_code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "attempt": attempt,
                "credits": credits_,
                "dueAt": due_at,
                "id": id,
                "outcome": outcome,
                "startedAt": started_at,
            }
        )
        if duration_ms is not UNSET:
            field_dict["durationMs"] = duration_ms
        if error is not UNSET:
            field_dict["error"] = error
        if response is not UNSET:
            field_dict["response"] = response
        if status_code is not UNSET:
            field_dict["statusCode"] = status_code

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        attempt = d.pop("attempt")

        credits_ = d.pop("credits")

        due_at = datetime.datetime.fromisoformat(d.pop("dueAt"))

        id = UUID(d.pop("id"))

        outcome = d.pop("outcome")

        started_at = datetime.datetime.fromisoformat(d.pop("startedAt"))

        def _parse_duration_ms(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        duration_ms = _parse_duration_ms(d.pop("durationMs", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_response(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        response = _parse_response(d.pop("response", UNSET))

        def _parse_status_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        status_code = _parse_status_code(d.pop("statusCode", UNSET))

        task_scheduler_run = cls(
            attempt=attempt,
            credits_=credits_,
            due_at=due_at,
            id=id,
            outcome=outcome,
            started_at=started_at,
            duration_ms=duration_ms,
            error=error,
            response=response,
            status_code=status_code,
        )

        task_scheduler_run.additional_properties = d
        return task_scheduler_run

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
