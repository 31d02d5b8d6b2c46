import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_dashboard_bucket import AnalyticsDashboardBucket
from ...models.analytics_dashboard_chart import AnalyticsDashboardChart
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
    chart: AnalyticsDashboardChart,
    *,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tenant_id, Unset):
        headers["X-Tenant-Id"] = x_tenant_id

    params: dict[str, Any] = {}

    json_from_: str | Unset = UNSET
    if not isinstance(from_, Unset):
        json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to: str | Unset = UNSET
    if not isinstance(to, Unset):
        json_to = to.isoformat()
    params["to"] = json_to

    json_bucket: str | Unset = UNSET
    if not isinstance(bucket, Unset):
        json_bucket = bucket.value

    params["bucket"] = json_bucket

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/apps/analytics-dashboard/charts/{chart}".format(
            chart=quote(str(chart), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | str | None:
    if response.status_code == 200:
        response_200 = cast(str, response.content)
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | str]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    chart: AnalyticsDashboardChart,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | str]:
    """One chart as SVG (free): `spend`, `balance`, `members`, `apps`, `actions` or `people`.

    Args:
        chart (AnalyticsDashboardChart): The charts (and their tables and exports).
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
    """

    kwargs = _get_kwargs(
        chart=chart,
        from_=from_,
        to=to,
        bucket=bucket,
        x_tenant_id=x_tenant_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    chart: AnalyticsDashboardChart,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | str | None:
    """One chart as SVG (free): `spend`, `balance`, `members`, `apps`, `actions` or `people`.

    Args:
        chart (AnalyticsDashboardChart): The charts (and their tables and exports).
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
    """

    return sync_detailed(
        chart=chart,
        client=client,
        from_=from_,
        to=to,
        bucket=bucket,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    chart: AnalyticsDashboardChart,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[ErrorBody | str]:
    """One chart as SVG (free): `spend`, `balance`, `members`, `apps`, `actions` or `people`.

    Args:
        chart (AnalyticsDashboardChart): The charts (and their tables and exports).
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | str]
    """

    kwargs = _get_kwargs(
        chart=chart,
        from_=from_,
        to=to,
        bucket=bucket,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    chart: AnalyticsDashboardChart,
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> ErrorBody | str | None:
    """One chart as SVG (free): `spend`, `balance`, `members`, `apps`, `actions` or `people`.

    Args:
        chart (AnalyticsDashboardChart): The charts (and their tables and exports).
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | str
    """

    return (
        await asyncio_detailed(
            chart=chart,
            client=client,
            from_=from_,
            to=to,
            bucket=bucket,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
