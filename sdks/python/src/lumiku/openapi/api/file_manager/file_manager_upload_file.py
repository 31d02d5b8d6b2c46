from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.file_manager_charged_file_body import FileManagerChargedFileBody
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    *,
    body: File,
    name: str,
    folder_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    params: dict[str, Any] = {}

    params["name"] = name

    json_folder_id: str | Unset = UNSET
    if not isinstance(folder_id, Unset):
        json_folder_id = str(folder_id)
    params["folderId"] = json_folder_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/apps/file-manager/files",
        "params": params,
    }

    _kwargs["content"] = body.payload
    headers["Content-Type"] = "application/octet-stream"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | FileManagerChargedFileBody | None:
    if response.status_code == 201:
        response_201 = FileManagerChargedFileBody.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

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

    if response.status_code == 408:
        response_408 = ErrorBody.from_dict(response.json())

        return response_408

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorBody | FileManagerChargedFileBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: File,
    name: str,
    folder_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | FileManagerChargedFileBody]:
    """Uploads a file: the request body is its bytes, streamed to storage and hashed on the way.
    Costs `uploadFile` credits per started 10 MiB, charged once the bytes are stored, atomically
    with the file's row and the storage quota. With a `Content-Length`, a wallet that cannot pay
    or a quota without room refuses before a byte is stored; without one, the stored bytes are
    deleted and the answer is 402 or 413. Images get a thumbnail.

    Args:
        name (str):
        folder_id (UUID | Unset):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | FileManagerChargedFileBody]
    """

    kwargs = _get_kwargs(
        body=body,
        name=name,
        folder_id=folder_id,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: File,
    name: str,
    folder_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | FileManagerChargedFileBody | None:
    """Uploads a file: the request body is its bytes, streamed to storage and hashed on the way.
    Costs `uploadFile` credits per started 10 MiB, charged once the bytes are stored, atomically
    with the file's row and the storage quota. With a `Content-Length`, a wallet that cannot pay
    or a quota without room refuses before a byte is stored; without one, the stored bytes are
    deleted and the answer is 402 or 413. Images get a thumbnail.

    Args:
        name (str):
        folder_id (UUID | Unset):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | FileManagerChargedFileBody
    """

    return sync_detailed(
        client=client,
        body=body,
        name=name,
        folder_id=folder_id,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: File,
    name: str,
    folder_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | FileManagerChargedFileBody]:
    """Uploads a file: the request body is its bytes, streamed to storage and hashed on the way.
    Costs `uploadFile` credits per started 10 MiB, charged once the bytes are stored, atomically
    with the file's row and the storage quota. With a `Content-Length`, a wallet that cannot pay
    or a quota without room refuses before a byte is stored; without one, the stored bytes are
    deleted and the answer is 402 or 413. Images get a thumbnail.

    Args:
        name (str):
        folder_id (UUID | Unset):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | FileManagerChargedFileBody]
    """

    kwargs = _get_kwargs(
        body=body,
        name=name,
        folder_id=folder_id,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: File,
    name: str,
    folder_id: UUID | Unset = UNSET,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | FileManagerChargedFileBody | None:
    """Uploads a file: the request body is its bytes, streamed to storage and hashed on the way.
    Costs `uploadFile` credits per started 10 MiB, charged once the bytes are stored, atomically
    with the file's row and the storage quota. With a `Content-Length`, a wallet that cannot pay
    or a quota without room refuses before a byte is stored; without one, the stored bytes are
    deleted and the answer is 402 or 413. Images get a thumbnail.

    Args:
        name (str):
        folder_id (UUID | Unset):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (File):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | FileManagerChargedFileBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            name=name,
            folder_id=folder_id,
            idempotency_key=idempotency_key,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
