from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.change_plan_request import ChangePlanRequest
from ...models.change_plan_response import ChangePlanResponse
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ChangePlanRequest,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/subscriptions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ChangePlanResponse | ErrorBody | None:
    if response.status_code == 200:
        response_200 = ChangePlanResponse.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = ChangePlanResponse.from_dict(response.json())

        return response_201

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

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())

        return response_409

    if response.status_code == 415:
        response_415 = ErrorBody.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorBody.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorBody.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = ErrorBody.from_dict(response.json())

        return response_502

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ChangePlanResponse | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ChangePlanRequest,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ChangePlanResponse | ErrorBody]:
    """Subscribes to a plan or changes plan (owners and admins). A paid plan answers 201 with the
    invoice and the payment to complete; it takes effect when paid. A first trial starts at once;
    the free plan ends the paid one at its period's end.

    Args:
        x_tenant_id (UUID | Unset):
        body (ChangePlanRequest): A subscription request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChangePlanResponse | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ChangePlanRequest,
    x_tenant_id: UUID | Unset = UNSET,
) -> ChangePlanResponse | ErrorBody | None:
    """Subscribes to a plan or changes plan (owners and admins). A paid plan answers 201 with the
    invoice and the payment to complete; it takes effect when paid. A first trial starts at once;
    the free plan ends the paid one at its period's end.

    Args:
        x_tenant_id (UUID | Unset):
        body (ChangePlanRequest): A subscription request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChangePlanResponse | ErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ChangePlanRequest,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ChangePlanResponse | ErrorBody]:
    """Subscribes to a plan or changes plan (owners and admins). A paid plan answers 201 with the
    invoice and the payment to complete; it takes effect when paid. A first trial starts at once;
    the free plan ends the paid one at its period's end.

    Args:
        x_tenant_id (UUID | Unset):
        body (ChangePlanRequest): A subscription request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ChangePlanResponse | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ChangePlanRequest,
    x_tenant_id: UUID | Unset = UNSET,
) -> ChangePlanResponse | ErrorBody | None:
    """Subscribes to a plan or changes plan (owners and admins). A paid plan answers 201 with the
    invoice and the payment to complete; it takes effect when paid. A first trial starts at once;
    the free plan ends the paid one at its period's end.

    Args:
        x_tenant_id (UUID | Unset):
        body (ChangePlanRequest): A subscription request.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ChangePlanResponse | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
