"""Error answers of the API as exceptions, and `unwrap` turning a generated call's answer into its
data or one of them."""

from __future__ import annotations

import json
from typing import Any, TypeVar, overload

from .openapi.models.error_body import ErrorBody
from .openapi.types import Response

T = TypeVar("T")


class LumikuError(Exception):
    """An error answer of the API, with its stable `code` and the request's id.

    Every error answers `{"error": {"code", "message", "requestId", ...}}` (the document's
    `ErrorBody`); an answer without one (a proxy's, say) becomes the code `http_<status>`.
    """

    status: int
    code: str
    message: str
    request_id: str | None
    fields: dict[str, list[str]] | None
    """Per-field messages of a 422 `validation_failed`, by JSON path into the body."""
    detail: dict[str, Any]
    """The whole `error` object, for what this class does not name."""

    def __init__(self, status: int, detail: dict[str, Any], request_id: str | None = None) -> None:
        self.status = status
        self.detail = detail
        self.code = str(detail.get("code") or f"http_{status}")
        self.message = str(detail.get("message") or f"HTTP {status}")
        self.request_id = detail.get("requestId") or request_id
        self.fields = detail.get("fields") or None
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"

    @staticmethod
    def from_response(response: Response[Any]) -> LumikuError:
        """The error a failed answer stands for: a 402 and a 429 as their own classes."""
        status = int(response.status_code)
        detail: dict[str, Any] = {}
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            detail = body["error"]
        request_id = response.headers.get("x-request-id")
        if status == 402:
            return InsufficientCreditsError(detail, request_id)
        if status == 429:
            return RateLimitedError(detail, request_id, response.headers.get("retry-after"))
        return LumikuError(status, detail, request_id)


class InsufficientCreditsError(LumikuError):
    """402: the tenant's wallet cannot pay for the action; nothing was done or charged."""

    required: int
    """What the action costs."""
    current: int
    """The tenant's balance."""

    def __init__(self, detail: dict[str, Any], request_id: str | None = None) -> None:
        super().__init__(402, detail, request_id)
        self.required = int(detail.get("required") or 0)
        self.current = int(detail.get("current") or 0)


class RateLimitedError(LumikuError):
    """429: too many requests; try again after `retry_after` seconds."""

    retry_after: int

    def __init__(self, detail: dict[str, Any], request_id: str | None = None, header: str | None = None) -> None:
        super().__init__(429, detail, request_id)
        retry_after = detail.get("retryAfter")
        if retry_after is None and header is not None and header.isdigit():
            retry_after = int(header)
        self.retry_after = int(retry_after) if retry_after is not None else 1


@overload
def unwrap(response: Response[T | ErrorBody]) -> T: ...


@overload
def unwrap(response: Response[T]) -> T: ...


def unwrap(response: Response[Any]) -> Any:
    """The data of a generated call's answer (`*.sync_detailed` or `*.asyncio_detailed`), or its error
    raised as a `LumikuError`.

    ```python
    tenants = unwrap(list_tenants.sync_detailed(client=lumiku.client))
    ```
    """
    if int(response.status_code) >= 400:
        raise LumikuError.from_response(response)
    return response.parsed
