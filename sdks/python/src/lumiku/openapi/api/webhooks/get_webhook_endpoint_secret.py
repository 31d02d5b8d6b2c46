from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.endpoint_with_secret import EndpointWithSecret
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    id: UUID,
    endpoint_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/tenants/{id}/webhooks/{endpoint_id}/secret".format(
            id=quote(str(id), safe=""),
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EndpointWithSecret | ErrorBody | None:
    if response.status_code == 200:
        response_200 = EndpointWithSecret.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[EndpointWithSecret | ErrorBody]:
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
) -> Response[EndpointWithSecret | ErrorBody]:
    """An endpoint with its signing secret (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointWithSecret | ErrorBody]
    """

    kwargs = _get_kwargs(
        id=id,
        endpoint_id=endpoint_id,
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
) -> EndpointWithSecret | ErrorBody | None:
    """An endpoint with its signing secret (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointWithSecret | ErrorBody
    """

    return sync_detailed(
        id=id,
        endpoint_id=endpoint_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[EndpointWithSecret | ErrorBody]:
    """An endpoint with its signing secret (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EndpointWithSecret | ErrorBody]
    """

    kwargs = _get_kwargs(
        id=id,
        endpoint_id=endpoint_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
) -> EndpointWithSecret | ErrorBody | None:
    """An endpoint with its signing secret (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EndpointWithSecret | ErrorBody
    """

    return (
        await asyncio_detailed(
            id=id,
            endpoint_id=endpoint_id,
            client=client,
        )
    ).parsed
