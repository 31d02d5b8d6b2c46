from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.callback_response import CallbackResponse
from ...models.duitku_callback_body import DuitkuCallbackBody
from ...models.error_body import ErrorBody
from ...types import Response


def _get_kwargs(
    *,
    body: DuitkuCallbackBody,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/payments/duitku/callback",
    }

    _kwargs["data"] = body.to_dict()
    headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CallbackResponse | ErrorBody | None:
    if response.status_code == 200:
        response_200 = CallbackResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())

        return response_400

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
) -> Response[CallbackResponse | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DuitkuCallbackBody,
) -> Response[CallbackResponse | ErrorBody]:
    """Duitku's payment callback (form-encoded, signed with the merchant key). A payment is
    credited once, after Duitku's status call confirms it, however often this is called.
    Refusals (bad signature, unknown order, wrong amount, unconfirmed) change nothing and are
    audited.

    Args:
        body (DuitkuCallbackBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallbackResponse | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: DuitkuCallbackBody,
) -> CallbackResponse | ErrorBody | None:
    """Duitku's payment callback (form-encoded, signed with the merchant key). A payment is
    credited once, after Duitku's status call confirms it, however often this is called.
    Refusals (bad signature, unknown order, wrong amount, unconfirmed) change nothing and are
    audited.

    Args:
        body (DuitkuCallbackBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallbackResponse | ErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: DuitkuCallbackBody,
) -> Response[CallbackResponse | ErrorBody]:
    """Duitku's payment callback (form-encoded, signed with the merchant key). A payment is
    credited once, after Duitku's status call confirms it, however often this is called.
    Refusals (bad signature, unknown order, wrong amount, unconfirmed) change nothing and are
    audited.

    Args:
        body (DuitkuCallbackBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CallbackResponse | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: DuitkuCallbackBody,
) -> CallbackResponse | ErrorBody | None:
    """Duitku's payment callback (form-encoded, signed with the merchant key). A payment is
    credited once, after Duitku's status call confirms it, however often this is called.
    Refusals (bad signature, unknown order, wrong amount, unconfirmed) change nothing and are
    audited.

    Args:
        body (DuitkuCallbackBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CallbackResponse | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
