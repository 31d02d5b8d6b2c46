import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.task_scheduler_preview import TaskSchedulerPreview
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    type_: str | Unset = UNSET,
    expression: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    params: dict[str, Any] = {}

    params["type"] = type_

    params["expression"] = expression

    params["timeZone"] = time_zone

    json_at: str | Unset = UNSET
    if not isinstance(at, Unset):
        json_at = at.isoformat()
    params["at"] = json_at

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/apps/task-scheduler/schedule/preview",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TaskSchedulerPreview | None:
    if response.status_code == 200:
        response_200 = TaskSchedulerPreview.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | TaskSchedulerPreview]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    type_: str | Unset = UNSET,
    expression: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | TaskSchedulerPreview]:
    """Checks a schedule as saving it would (for this tenant's plan) and lists its next five due
    times (free). A 422 names the field at fault.

    Args:
        type_ (str | Unset):
        expression (str | Unset):
        time_zone (str | Unset):
        at (datetime.datetime | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TaskSchedulerPreview]
    """

    kwargs = _get_kwargs(
        type_=type_,
        expression=expression,
        time_zone=time_zone,
        at=at,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    type_: str | Unset = UNSET,
    expression: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | TaskSchedulerPreview | None:
    """Checks a schedule as saving it would (for this tenant's plan) and lists its next five due
    times (free). A 422 names the field at fault.

    Args:
        type_ (str | Unset):
        expression (str | Unset):
        time_zone (str | Unset):
        at (datetime.datetime | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TaskSchedulerPreview
    """

    return sync_detailed(
        client=client,
        type_=type_,
        expression=expression,
        time_zone=time_zone,
        at=at,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    type_: str | Unset = UNSET,
    expression: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | TaskSchedulerPreview]:
    """Checks a schedule as saving it would (for this tenant's plan) and lists its next five due
    times (free). A 422 names the field at fault.

    Args:
        type_ (str | Unset):
        expression (str | Unset):
        time_zone (str | Unset):
        at (datetime.datetime | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TaskSchedulerPreview]
    """

    kwargs = _get_kwargs(
        type_=type_,
        expression=expression,
        time_zone=time_zone,
        at=at,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    type_: str | Unset = UNSET,
    expression: str | Unset = UNSET,
    time_zone: str | Unset = UNSET,
    at: datetime.datetime | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | TaskSchedulerPreview | None:
    """Checks a schedule as saving it would (for this tenant's plan) and lists its next five due
    times (free). A 422 names the field at fault.

    Args:
        type_ (str | Unset):
        expression (str | Unset):
        time_zone (str | Unset):
        at (datetime.datetime | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TaskSchedulerPreview
    """

    return (
        await asyncio_detailed(
            client=client,
            type_=type_,
            expression=expression,
            time_zone=time_zone,
            at=at,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
