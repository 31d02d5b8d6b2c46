from http import HTTPStatus
from typing import Any, cast
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    tenant: str | Unset = UNSET,
    topics: str | Unset = UNSET,
    last_event_id: UUID | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["tenant"] = tenant

    params["topics"] = topics

    json_last_event_id: str | Unset = UNSET
    if not isinstance(last_event_id, Unset):
        json_last_event_id = str(last_event_id)
    params["lastEventId"] = json_last_event_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/realtime/sse",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorBody | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    tenant: str | Unset = UNSET,
    topics: str | Unset = UNSET,
    last_event_id: UUID | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """The realtime stream as Server-Sent Events: the same frames as `data:`, events with their
    `id:`, a comment as heartbeat. Subscriptions are fixed by `topics` for its life.

    Args:
        tenant (str | Unset):
        topics (str | Unset):
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        tenant=tenant,
        topics=topics,
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    tenant: str | Unset = UNSET,
    topics: str | Unset = UNSET,
    last_event_id: UUID | Unset = UNSET,
) -> Any | ErrorBody | None:
    """The realtime stream as Server-Sent Events: the same frames as `data:`, events with their
    `id:`, a comment as heartbeat. Subscriptions are fixed by `topics` for its life.

    Args:
        tenant (str | Unset):
        topics (str | Unset):
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return sync_detailed(
        client=client,
        tenant=tenant,
        topics=topics,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    tenant: str | Unset = UNSET,
    topics: str | Unset = UNSET,
    last_event_id: UUID | Unset = UNSET,
) -> Response[Any | ErrorBody]:
    """The realtime stream as Server-Sent Events: the same frames as `data:`, events with their
    `id:`, a comment as heartbeat. Subscriptions are fixed by `topics` for its life.

    Args:
        tenant (str | Unset):
        topics (str | Unset):
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorBody]
    """

    kwargs = _get_kwargs(
        tenant=tenant,
        topics=topics,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    tenant: str | Unset = UNSET,
    topics: str | Unset = UNSET,
    last_event_id: UUID | Unset = UNSET,
) -> Any | ErrorBody | None:
    """The realtime stream as Server-Sent Events: the same frames as `data:`, events with their
    `id:`, a comment as heartbeat. Subscriptions are fixed by `topics` for its life.

    Args:
        tenant (str | Unset):
        topics (str | Unset):
        last_event_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            tenant=tenant,
            topics=topics,
            last_event_id=last_event_id,
        )
    ).parsed
