from http import HTTPStatus
from io import BytesIO
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    inline: bool | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    params: dict[str, Any] = {}

    params["inline"] = inline

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/apps/file-manager/files/{id}/content".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorBody | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

        return response_200

    if response.status_code == 206:
        response_206 = File(payload=BytesIO(response.content))

        return response_206

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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

    if response.status_code == 416:
        response_416 = ErrorBody.from_dict(response.json())

        return response_416

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
) -> Response[Any | ErrorBody | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    inline: bool | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Any | ErrorBody | File]:
    """A file's bytes (free): `Range` gives 206, `If-None-Match` with its ETag (the SHA-256) 304.
    Only images, PDF and plain text are ever served inline; anything else is an attachment.

    Args:
        id (UUID):
        inline (bool | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | File]
    """

    kwargs = _get_kwargs(
        id=id,
        inline=inline,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient,
    inline: bool | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Any | ErrorBody | File | None:
    """A file's bytes (free): `Range` gives 206, `If-None-Match` with its ETag (the SHA-256) 304.
    Only images, PDF and plain text are ever served inline; anything else is an attachment.

    Args:
        id (UUID):
        inline (bool | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | File
    """

    return sync_detailed(
        id=id,
        client=client,
        inline=inline,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    inline: bool | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[Any | ErrorBody | File]:
    """A file's bytes (free): `Range` gives 206, `If-None-Match` with its ETag (the SHA-256) 304.
    Only images, PDF and plain text are ever served inline; anything else is an attachment.

    Args:
        id (UUID):
        inline (bool | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody | File]
    """

    kwargs = _get_kwargs(
        id=id,
        inline=inline,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    inline: bool | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Any | ErrorBody | File | None:
    """A file's bytes (free): `Range` gives 206, `If-None-Match` with its ETag (the SHA-256) 304.
    Only images, PDF and plain text are ever served inline; anything else is an attachment.

    Args:
        id (UUID):
        inline (bool | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody | File
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            inline=inline,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
