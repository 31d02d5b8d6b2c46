import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.analytics_dashboard_bucket import AnalyticsDashboardBucket
from ...models.analytics_dashboard_summary import AnalyticsDashboardSummary
from ...models.error_body import ErrorBody
from ...types import UNSET, Response, Unset


def _get_kwargs(
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
        "url": "/api/apps/analytics-dashboard/summary",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsDashboardSummary | ErrorBody | None:
    if response.status_code == 200:
        response_200 = AnalyticsDashboardSummary.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AnalyticsDashboardSummary | ErrorBody]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[AnalyticsDashboardSummary | ErrorBody]:
    """The tenant's usage over a range (free): credits and actions per bucket with the balance at
    each bucket's end and the active members, by app, by action and by member, the totals, and
    when the credits run out at the last 14 days' rate. Days are UTC days.

    Args:
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsDashboardSummary | ErrorBody]
    """

    kwargs = _get_kwargs(
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
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> AnalyticsDashboardSummary | ErrorBody | None:
    """The tenant's usage over a range (free): credits and actions per bucket with the balance at
    each bucket's end and the active members, by app, by action and by member, the totals, and
    when the credits run out at the last 14 days' rate. Days are UTC days.

    Args:
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsDashboardSummary | ErrorBody
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        bucket=bucket,
        x_tenant_id=x_tenant_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> Response[AnalyticsDashboardSummary | ErrorBody]:
    """The tenant's usage over a range (free): credits and actions per bucket with the balance at
    each bucket's end and the active members, by app, by action and by member, the totals, and
    when the credits run out at the last 14 days' rate. Days are UTC days.

    Args:
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsDashboardSummary | ErrorBody]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        bucket=bucket,
        x_tenant_id=x_tenant_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.date | Unset = UNSET,
    to: datetime.date | Unset = UNSET,
    bucket: AnalyticsDashboardBucket | Unset = UNSET,
    x_tenant_id: UUID | Unset = UNSET,
) -> AnalyticsDashboardSummary | ErrorBody | None:
    """The tenant's usage over a range (free): credits and actions per bucket with the balance at
    each bucket's end and the active members, by app, by action and by member, the totals, and
    when the credits run out at the last 14 days' rate. Days are UTC days.

    Args:
        from_ (datetime.date | Unset):
        to (datetime.date | Unset):
        bucket (AnalyticsDashboardBucket | Unset): The size of a bucket.
        x_tenant_id (UUID | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsDashboardSummary | ErrorBody
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            bucket=bucket,
            x_tenant_id=x_tenant_id,
        )
    ).parsed
