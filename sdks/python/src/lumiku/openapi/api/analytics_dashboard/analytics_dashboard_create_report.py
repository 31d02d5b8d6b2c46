from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_dashboard_charged_report_body import AnalyticsDashboardChargedReportBody
from ...models.analytics_dashboard_new_report import AnalyticsDashboardNewReport
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: AnalyticsDashboardNewReport,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/apps/analytics-dashboard/reports",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsDashboardChargedReportBody | ErrorBody | None:
    if response.status_code == 201:
        response_201 = AnalyticsDashboardChargedReportBody.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AnalyticsDashboardChargedReportBody | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AnalyticsDashboardNewReport,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[AnalyticsDashboardChargedReportBody | ErrorBody]:
    """Saves a report definition (`createReport` credits): a name, and the last N days or fixed
    dates, and a bucket.

    Args:
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (AnalyticsDashboardNewReport): A report as sent: a name and either `lastDays` or
            `from` and `to`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsDashboardChargedReportBody | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
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
    body: AnalyticsDashboardNewReport,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> AnalyticsDashboardChargedReportBody | ErrorBody | None:
    """Saves a report definition (`createReport` credits): a name, and the last N days or fixed
    dates, and a bucket.

    Args:
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (AnalyticsDashboardNewReport): A report as sent: a name and either `lastDays` or
            `from` and `to`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsDashboardChargedReportBody | ErrorBody
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AnalyticsDashboardNewReport,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[AnalyticsDashboardChargedReportBody | ErrorBody]:
    """Saves a report definition (`createReport` credits): a name, and the last N days or fixed
    dates, and a bucket.

    Args:
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (AnalyticsDashboardNewReport): A report as sent: a name and either `lastDays` or
            `from` and `to`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsDashboardChargedReportBody | ErrorBody]
    """

    kwargs = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AnalyticsDashboardNewReport,
    idempotency_key: str | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> AnalyticsDashboardChargedReportBody | ErrorBody | None:
    """Saves a report definition (`createReport` credits): a name, and the last N days or fixed
    dates, and a bucket.

    Args:
        idempotency_key (str | Unset):
        x_tenant_id (UUID | Unset):
        body (AnalyticsDashboardNewReport): A report as sent: a name and either `lastDays` or
            `from` and `to`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsDashboardChargedReportBody | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
