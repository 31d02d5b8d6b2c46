from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.catalogue_entry import CatalogueEntry
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    id: UUID,
    app_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/tenants/{id}/apps/{app_id}".format(
            id=quote(str(id), safe=""),
            app_id=quote(str(app_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CatalogueEntry | ErrorBody | None:
    if response.status_code == 200:
        response_200 = CatalogueEntry.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorBody.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorBody.from_dict(response.json())

        return response_402

    if response.status_code == 403:
        response_403 = ErrorBody.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[CatalogueEntry | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    app_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[CatalogueEntry | ErrorBody]:
    """Installs an app in the tenant (owners and admins), charging its install cost once.

    Args:
        id (UUID):
        app_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CatalogueEntry | ErrorBody]
    """

    kwargs = _get_kwargs(
        id=id,
        app_id=app_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    app_id: str,
    *,
    client: AuthenticatedClient,
) -> CatalogueEntry | ErrorBody | None:
    """Installs an app in the tenant (owners and admins), charging its install cost once.

    Args:
        id (UUID):
        app_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CatalogueEntry | ErrorBody
    """

    return sync_detailed(
        id=id,
        app_id=app_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    app_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[CatalogueEntry | ErrorBody]:
    """Installs an app in the tenant (owners and admins), charging its install cost once.

    Args:
        id (UUID):
        app_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CatalogueEntry | ErrorBody]
    """

    kwargs = _get_kwargs(
        id=id,
        app_id=app_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    app_id: str,
    *,
    client: AuthenticatedClient,
) -> CatalogueEntry | ErrorBody | None:
    """Installs an app in the tenant (owners and admins), charging its install cost once.

    Args:
        id (UUID):
        app_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CatalogueEntry | ErrorBody
    """

    return (
        await asyncio_detailed(
            id=id,
            app_id=app_id,
            client=client,
        )
    ).parsed
