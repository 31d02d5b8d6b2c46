"""The SDK against a live `lumiku serve` (LUMIKU_URL) with the sandbox gateway: what a client of a
metered API does, end to end, synchronously and with asyncio."""

import asyncio
import os
import uuid

import httpx
import pytest

from lumiku import (
    AsyncLumiku,
    InsufficientCreditsError,
    Lumiku,
    LumikuError,
    Tokens,
    idempotency_key,
    unwrap,
)
from lumiku.openapi.api.auth import get_me
from lumiku.openapi.api.billing import list_credit_packages
from lumiku.openapi.api.credits_ import get_credit_balance, list_ledger_entries
from lumiku.openapi.api.payments import create_payment, get_payment
from lumiku.openapi.api.project_manager import project_manager_create_project as create_project
from lumiku.openapi.api.project_manager import project_manager_list_projects as list_projects
from lumiku.openapi.api.tenants import list_tenants
from lumiku.openapi.models import (
    ErrorBody,
    PaymentRequest,
    PaymentStatus,
    ProjectManagerChargedProjectBody,
    ProjectManagerNewProject,
)
from lumiku.openapi.types import Response

BASE_URL = os.environ.get("LUMIKU_URL", "http://127.0.0.1:3000")
PASSWORD = "correct horse battery staple"


def email() -> str:
    return f"sdk-py-{uuid.uuid4()}@example.com"


def balance(lumiku: Lumiku) -> int:
    return unwrap(get_credit_balance.sync_detailed(client=lumiku.client)).balance


def test_register_login_and_refresh_keep_a_session() -> None:
    address = email()
    seen: list[Tokens | None] = []
    with Lumiku(BASE_URL, on_tokens=seen.append) as first:
        session = first.register(address, PASSWORD, "SDK")
        assert session.user.email == address
        assert len(seen) == 1

    with Lumiku(BASE_URL) as lumiku:
        lumiku.login(address, PASSWORD)
        assert unwrap(get_me.sync_detailed(client=lumiku.client)).email == address
        assert lumiku.session is not None
        before = lumiku.session.refresh_token
        assert lumiku.refresh()
        assert lumiku.session.refresh_token != before
        refresh_token = lumiku.session.refresh_token

    # A client whose access token is no longer good refreshes it once and carries on.
    with Lumiku(BASE_URL, tokens=Tokens("expired", refresh_token)) as stale:
        tenants = unwrap(list_tenants.sync_detailed(client=stale.client))
        assert len(tenants.items) == 1
        assert tenants.next_cursor is None
        assert stale.session is not None and stale.session.access_token != "expired"

        stale.logout()
        assert stale.session is None
        with pytest.raises(LumikuError) as error:
            unwrap(get_me.sync_detailed(client=stale.client))
        assert error.value.status == 401
        assert error.value.code
        assert error.value.request_id


def test_async_calls_refused_together_share_one_refresh() -> None:
    async def run() -> None:
        address = email()
        async with AsyncLumiku(BASE_URL) as first:
            await first.register(address, PASSWORD)
            assert first.session is not None
            refresh_token = first.session.refresh_token

        # Refresh tokens are single-use (a reused one ends the session): three calls refused at once
        # must share one refresh, or two of them would fail.
        seen: list[Tokens | None] = []
        tokens = Tokens("expired", refresh_token)
        async with AsyncLumiku(BASE_URL, tokens=tokens, on_tokens=seen.append) as lumiku:
            answers = await asyncio.gather(*(get_me.asyncio_detailed(client=lumiku.client) for _ in range(3)))
            assert [unwrap(answer).email for answer in answers] == [address] * 3
            assert len(seen) == 1

            await lumiku.login(address, PASSWORD)
            assert await lumiku.refresh()
            await lumiku.logout()
            assert lumiku.session is None
            assert not await lumiku.refresh()

    asyncio.run(run())


def test_a_metered_call_is_charged_once_replayed_free_and_refused_with_a_typed_402() -> None:
    with Lumiku(BASE_URL) as lumiku:
        lumiku.register(email(), PASSWORD)
        start = balance(lumiku)
        key = idempotency_key()

        def create() -> Response[ErrorBody | ProjectManagerChargedProjectBody]:
            return create_project.sync_detailed(
                client=lumiku.client, body=ProjectManagerNewProject(name="From the SDK"), idempotency_key=key
            )

        first = create()
        assert first.status_code == 201
        charged = unwrap(first)
        assert charged.project.name == "From the SDK"
        assert charged.credit_used > 0
        assert charged.credit_balance == start - charged.credit_used

        again = create()
        assert again.status_code == 201
        assert again.headers.get("idempotent-replayed") == "true"
        assert unwrap(again).project.id == charged.project.id
        assert balance(lumiku) == start - charged.credit_used

        with pytest.raises(LumikuError) as invalid:
            unwrap(create_project.sync_detailed(client=lumiku.client, body=ProjectManagerNewProject(name="   ")))
        assert invalid.value.status == 422
        assert invalid.value.code == "validation_failed"
        assert invalid.value.fields and invalid.value.fields["name"]

        refused: InsufficientCreditsError | None = None
        for i in range(1000):
            try:
                unwrap(create_project.sync_detailed(client=lumiku.client, body=ProjectManagerNewProject(name=f"P{i}")))
            except InsufficientCreditsError as e:
                refused = e
                break
        assert refused is not None
        assert refused.status == 402
        assert refused.required == charged.credit_used
        assert refused.current < refused.required
        assert refused.current == balance(lumiku)


def test_async_metered_call_and_its_replay() -> None:
    async def run() -> None:
        async with AsyncLumiku(BASE_URL) as lumiku:
            await lumiku.register(email(), PASSWORD)
            key = idempotency_key()
            body = ProjectManagerNewProject(name="Async")
            first = await create_project.asyncio_detailed(client=lumiku.client, body=body, idempotency_key=key)
            again = await create_project.asyncio_detailed(client=lumiku.client, body=body, idempotency_key=key)
            assert unwrap(again).project.id == unwrap(first).project.id
            assert again.headers.get("idempotent-replayed") == "true"
            projects = unwrap(await list_projects.asyncio_detailed(client=lumiku.client))
            assert [p.id for p in projects.items] == [unwrap(first).project.id]
            history = unwrap(await list_ledger_entries.asyncio_detailed(client=lumiku.client, limit=10))
            assert history.items[0].amount_credits == -unwrap(first).credit_used

    asyncio.run(run())


def test_credits_bought_through_the_sandbox_gateway_arrive_in_the_ledger() -> None:
    async def run() -> None:
        async with AsyncLumiku(BASE_URL) as lumiku:
            await lumiku.register(email(), PASSWORD)
            start = unwrap(await get_credit_balance.asyncio_detailed(client=lumiku.client)).balance
            pack = unwrap(await list_credit_packages.asyncio_detailed(client=lumiku.client)).items[0]
            body = PaymentRequest(package_id=pack.id)
            payment = unwrap(await create_payment.asyncio_detailed(client=lumiku.client, body=body))
            assert payment.status == PaymentStatus.PENDING
            assert payment.redirect_url

            # The payer pays on the gateway's page (the sandbox's, here), which calls Lumiku back.
            async with httpx.AsyncClient(base_url=BASE_URL) as browser:
                paid = await browser.post(f"/pay/sandbox/{payment.reference}", data={"decision": "pay"})
            assert paid.status_code == 303
            status = unwrap(await get_payment.asyncio_detailed(payment.reference, client=lumiku.client))
            assert status.status == PaymentStatus.SUCCESS
            credits = pack.credits_ + pack.bonus_credits
            after = unwrap(await get_credit_balance.asyncio_detailed(client=lumiku.client)).balance
            assert after == start + credits

            history = unwrap(await list_ledger_entries.asyncio_detailed(client=lumiku.client, limit=10))
            assert history.items[0].amount_credits == credits
            assert history.items[0].balance_after_credits == start + credits

    asyncio.run(run())


def test_each_client_refuses_the_other_flavour_of_call() -> None:
    with Lumiku(BASE_URL) as lumiku, pytest.raises(TypeError, match="AsyncLumiku"):
        asyncio.run(get_me.asyncio_detailed(client=lumiku.client))


def test_an_api_key_acts_for_its_tenant_and_is_charged_like_a_person() -> None:
    from lumiku.openapi.api.api_keys import create_api_key
    from lumiku.openapi.models import CreateApiKeyRequest, Scope

    with Lumiku(BASE_URL) as owner:
        owner.register(email(), PASSWORD)
        tenant = unwrap(list_tenants.sync_detailed(client=owner.client)).items[0].id
        made = unwrap(
            create_api_key.sync_detailed(
                id=tenant, client=owner.client, body=CreateApiKeyRequest(name="ci", scope=Scope.WRITE)
            )
        )
        assert made.key.startswith("lk_live_")
        start = balance(owner)
    with Lumiku(BASE_URL, api_key=made.key) as service:
        assert balance(service) == start
        charged = unwrap(
            create_project.sync_detailed(
                client=service.client,
                body=ProjectManagerNewProject(name="From a key"),
                idempotency_key=idempotency_key(),
            )
        )
        assert charged.credit_balance == start - charged.credit_used
        # A key cannot sign in as a person: account routes are closed to it.
        with pytest.raises(LumikuError) as closed:
            unwrap(get_me.sync_detailed(client=service.client))
        assert closed.value.status == 403
        assert closed.value.code == "not_for_api_keys"
