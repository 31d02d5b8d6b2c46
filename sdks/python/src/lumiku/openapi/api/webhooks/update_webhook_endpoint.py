from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.endpoint import Endpoint
from ...models.error_body import ErrorBody
from ...models.update_endpoint_request import UpdateEndpointRequest
from ...types import Response


def _get_kwargs(
    id: UUID,
    endpoint_id: UUID,
    *,
    body: UpdateEndpointRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/tenants/{id}/webhooks/{endpoint_id}".format(
            id=quote(str(id), safe=""),
            endpoint_id=quote(str(endpoint_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Endpoint | ErrorBody | None:
    if response.status_code == 200:
        response_200 = Endpoint.from_dict(response.json())

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

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())

        return response_415

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
) -> Response[Endpoint | ErrorBody]:
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
    body: UpdateEndpointRequest,
) -> Response[Endpoint | ErrorBody]:
    """Changes an endpoint (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        body (UpdateEndpointRequest): A change to an endpoint; what is left out stays.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Endpoint | ErrorBody]
    """

    kwargs = _get_kwargs(
        id=id,
        endpoint_id=endpoint_id,
        body=body,
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
    body: UpdateEndpointRequest,
) -> Endpoint | ErrorBody | None:
    """Changes an endpoint (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        body (UpdateEndpointRequest): A change to an endpoint; what is left out stays.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Endpoint | ErrorBody
    """

    return sync_detailed(
        id=id,
        endpoint_id=endpoint_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateEndpointRequest,
) -> Response[Endpoint | ErrorBody]:
    """Changes an endpoint (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        body (UpdateEndpointRequest): A change to an endpoint; what is left out stays.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Endpoint | ErrorBody]
    """

    kwargs = _get_kwargs(
        id=id,
        endpoint_id=endpoint_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
    body: UpdateEndpointRequest,
) -> Endpoint | ErrorBody | None:
    """Changes an endpoint (owners and admins).

    Args:
        id (UUID):
        endpoint_id (UUID):
        body (UpdateEndpointRequest): A change to an endpoint; what is left out stays.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Endpoint | ErrorBody
    """

    return (
        await asyncio_detailed(
            id=id,
            endpoint_id=endpoint_id,
            client=client,
            body=body,
        )
    ).parsed
