from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.list_delivery import ListDelivery
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    endpoint_id: UUID,
    *,
    before: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_before: str | Unset = UNSET
    if not isinstance(before, Unset):
        json_before = str(before)
    params["before"] = json_before

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/tenants/{id}/webhooks/{endpoint_id}/deliveries".format(
            id=quote(str(id), safe=""),
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | ListDelivery | None:
    if response.status_code == 200:
        response_200 = ListDelivery.from_dict(response.json())

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
) -> Response[ErrorBody | ListDelivery]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    before: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorBody | ListDelivery]:
    """An endpoint's deliveries, newest first: each attempt's status, answer and error (owners and
    admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        before (UUID | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ListDelivery]
    """

    kwargs = _get_kwargs(
        id=id,
        endpoint_id=endpoint_id,
        before=before,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    before: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorBody | ListDelivery | None:
    """An endpoint's deliveries, newest first: each attempt's status, answer and error (owners and
    admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        before (UUID | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ListDelivery
    """

    return sync_detailed(
        id=id,
        endpoint_id=endpoint_id,
        client=client,
        before=before,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    before: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> Response[ErrorBody | ListDelivery]:
    """An endpoint's deliveries, newest first: each attempt's status, answer and error (owners and
    admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        before (UUID | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | ListDelivery]
    """

    kwargs = _get_kwargs(
        id=id,
        endpoint_id=endpoint_id,
        before=before,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    before: UUID | Unset = UNSET,
    limit: int | Unset = UNSET,
) -> ErrorBody | ListDelivery | None:
    """An endpoint's deliveries, newest first: each attempt's status, answer and error (owners and
    admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        before (UUID | Unset):
        limit (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | ListDelivery
    """

    return (
        await asyncio_detailed(
            id=id,
            endpoint_id=endpoint_id,
            client=client,
            before=before,
            limit=limit,
        )
    ).parsed
