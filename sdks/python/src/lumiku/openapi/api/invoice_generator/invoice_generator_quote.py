from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_body import ErrorBody
from ...models.invoice_generator_invoice_input import InvoiceGeneratorInvoiceInput
from ...models.invoice_generator_quote import InvoiceGeneratorQuote
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: InvoiceGeneratorInvoiceInput,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/apps/invoice-generator/quote",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorBody | InvoiceGeneratorQuote | None:
    if response.status_code == 200:
        response_200 = InvoiceGeneratorQuote.from_dict(response.json())

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
) -> Response[ErrorBody | InvoiceGeneratorQuote]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: InvoiceGeneratorInvoiceInput,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | InvoiceGeneratorQuote]:
    """Prices an invoice without saving it (free): the editor's live totals, computed by the same
    rules as a saved invoice. The client is not checked.

    Args:
        x_tenant_id (UUID | Unset):
        body (InvoiceGeneratorInvoiceInput): An invoice as sent (to create a draft or replace
            one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | InvoiceGeneratorQuote]
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
    body: InvoiceGeneratorInvoiceInput,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | InvoiceGeneratorQuote | None:
    """Prices an invoice without saving it (free): the editor's live totals, computed by the same
    rules as a saved invoice. The client is not checked.

    Args:
        x_tenant_id (UUID | Unset):
        body (InvoiceGeneratorInvoiceInput): An invoice as sent (to create a draft or replace
            one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | InvoiceGeneratorQuote
    """

    return sync_detailed(
        client=client,
        body=body,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: InvoiceGeneratorInvoiceInput,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | InvoiceGeneratorQuote]:
    """Prices an invoice without saving it (free): the editor's live totals, computed by the same
    rules as a saved invoice. The client is not checked.

    Args:
        x_tenant_id (UUID | Unset):
        body (InvoiceGeneratorInvoiceInput): An invoice as sent (to create a draft or replace
            one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | InvoiceGeneratorQuote]
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
    body: InvoiceGeneratorInvoiceInput,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | InvoiceGeneratorQuote | None:
    """Prices an invoice without saving it (free): the editor's live totals, computed by the same
    rules as a saved invoice. The client is not checked.

    Args:
        x_tenant_id (UUID | Unset):
        body (InvoiceGeneratorInvoiceInput): An invoice as sent (to create a draft or replace
            one).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | InvoiceGeneratorQuote
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
