from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.team_chat_charged_channel_body import TeamChatChargedChannelBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: UUID,
    user_id: UUID,
    *,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/apps/team-chat/channels/{id}/members/{user_id}".format(
            id=quote(str(id), safe=""),
            user_id=quote(str(user_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | TeamChatChargedChannelBody | None:
    if response.status_code == 200:
        response_200 = TeamChatChargedChannelBody.from_dict(response.json())

        return response_200

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

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

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
) -> Response[ErrorBody | TeamChatChargedChannelBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    user_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | TeamChatChargedChannelBody]:
    """Removes a member from a channel (free): oneself (leaving), or anyone by the channel's creator
    or a tenant admin. A member removed from a private channel stops receiving its events at once.

    Args:
        id (UUID):
        user_id (UUID):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TeamChatChargedChannelBody]
    """

    kwargs = _get_kwargs(
        id=id,
        user_id=user_id,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    user_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | TeamChatChargedChannelBody | None:
    """Removes a member from a channel (free): oneself (leaving), or anyone by the channel's creator
    or a tenant admin. A member removed from a private channel stops receiving its events at once.

    Args:
        id (UUID):
        user_id (UUID):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TeamChatChargedChannelBody
    """

    return sync_detailed(
        id=id,
        user_id=user_id,
        client=client,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    user_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | TeamChatChargedChannelBody]:
    """Removes a member from a channel (free): oneself (leaving), or anyone by the channel's creator
    or a tenant admin. A member removed from a private channel stops receiving its events at once.

    Args:
        id (UUID):
        user_id (UUID):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | TeamChatChargedChannelBody]
    """

    kwargs = _get_kwargs(
        id=id,
        user_id=user_id,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    user_id: UUID,
    *,
    client: AuthenticatedClient,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | TeamChatChargedChannelBody | None:
    """Removes a member from a channel (free): oneself (leaving), or anyone by the channel's creator
    or a tenant admin. A member removed from a private channel stops receiving its events at once.

    Args:
        id (UUID):
        user_id (UUID):
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | TeamChatChargedChannelBody
    """

    return (
        await asyncio_detailed(
            id=id,
            user_id=user_id,
            client=client,
            idempotency_key=idempotency_key,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
