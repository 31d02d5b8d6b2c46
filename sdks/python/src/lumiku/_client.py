"""The session around the generated client: the access token sent and refreshed, and the tenant
header. `Lumiku` is synchronous (the generated `sync*` functions), `AsyncLumiku` asynchronous (the
`asyncio*` ones); both are httpx underneath."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass
from typing import Any, Self
from uuid import UUID

import httpx

from ._errors import LumikuError, unwrap
from .openapi.api.auth import login, logout, refresh_tokens, register
from .openapi.client import AuthenticatedClient
from .openapi.models.auth_session import AuthSession
from .openapi.models.login_request import LoginRequest
from .openapi.models.refresh_request import RefreshRequest
from .openapi.models.register_request import RegisterRequest
from .openapi.models.token_pair import TokenPair
from .openapi.types import UNSET, Response

# Paths that never carry the access token, nor refresh it on a 401.
ANONYMOUS = ("/api/auth/login", "/api/auth/register", "/api/auth/refresh")


@dataclass(frozen=True)
class Tokens:
    """The tokens of a session."""

    access_token: str
    refresh_token: str


def idempotency_key() -> str:
    """A fresh `Idempotency-Key`: send the same one again to retry a metered call safely."""
    return str(uuid.uuid4())


class _Session:
    """What both clients share: the tokens, the tenant, and how a request is signed."""

    def __init__(
        self,
        base_url: str,
        tokens: Tokens | None,
        on_tokens: Callable[[Tokens | None], None] | None,
        tenant_id: str | UUID | None,
        api_key: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.tenant_id = tenant_id
        self.api_key = api_key
        self._base_path = httpx.URL(self.base_url).path.rstrip("/")
        self._tokens = tokens
        self._on_tokens = on_tokens

    @property
    def session(self) -> Tokens | None:
        """The current tokens, if signed in."""
        return self._tokens

    def _set_tokens(self, tokens: Tokens | TokenPair | None) -> None:
        self._tokens = None if tokens is None else Tokens(tokens.access_token, tokens.refresh_token)
        if self._on_tokens is not None:
            self._on_tokens(self._tokens)

    def _sign(self, request: httpx.Request) -> str | None:
        """Adds the tenant and the access token to a request; the token it sent, if it sent one (not
        to the auth endpoints, nor over an `Authorization` the caller set)."""
        if self.tenant_id and "x-tenant-id" not in request.headers:
            request.headers["X-Tenant-Id"] = str(self.tenant_id)
        path = request.url.path.removeprefix(self._base_path)
        if path in ANONYMOUS or "authorization" in request.headers:
            return None
        if self.api_key is not None:
            # A key is sent as it is: there is nothing to refresh.
            request.headers["Authorization"] = f"Bearer {self.api_key}"
            return None
        if self._tokens is None:
            return None
        request.headers["Authorization"] = f"Bearer {self._tokens.access_token}"
        return self._tokens.access_token

    def _can_retry(self, request: httpx.Request) -> bool:
        """Whether a request refused with 401 can go again: there is a session to refresh, and the
        request's body can be sent twice (not a stream being uploaded)."""
        return self._tokens is not None and isinstance(request.stream, httpx.ByteStream)

    def _refreshed(self, response: Response[Any]) -> bool:
        """Keeps the pair a refresh answered; false (and signed out) when the session is over."""
        if isinstance(response.parsed, TokenPair):
            self._set_tokens(response.parsed)
            return True
        if int(response.status_code) == 401:
            self._set_tokens(None)
            return False
        raise LumikuError.from_response(response)


class _WrongFlavour(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, message: str) -> None:
        self._message = message

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise TypeError(self._message)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise TypeError(self._message)


class Lumiku(_Session):
    """A synchronous Lumiku client: `client` is the generated client every `sync*` function takes;
    the rest is the session.

    ```python
    lumiku = Lumiku("https://lumiku.example.com")
    lumiku.login("ana@example.com", "correct horse battery staple")
    balance = unwrap(get_credit_balance.sync_detailed(client=lumiku.client)).balance
    ```
    """

    client: AuthenticatedClient

    def __init__(
        self,
        base_url: str,
        *,
        tokens: Tokens | None = None,
        on_tokens: Callable[[Tokens | None], None] | None = None,
        tenant_id: str | UUID | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = 30.0,
        httpx_args: dict[str, Any] | None = None,
    ) -> None:
        """`tokens`: those of an existing session; `on_tokens`: called with each new pair (after login,
        register and every refresh) and with None when the session ends, to keep them; `tenant_id`:
        the tenant to act for (`X-Tenant-Id`), default the user's personal tenant; `api_key`: a tenant
        API key (`lk_live_…`) sent instead of a session's token (never refreshed; its tenant is the
        default); `httpx_args`: more
        arguments for the `httpx.Client`."""
        super().__init__(base_url, tokens, on_tokens, tenant_id, api_key)
        self._lock = threading.Lock()
        http = httpx.Client(base_url=self.base_url, timeout=timeout, auth=_SyncAuth(self), **(httpx_args or {}))
        wrong = httpx.AsyncClient(transport=_WrongFlavour("Lumiku is synchronous: use AsyncLumiku for asyncio*"))
        self.client = AuthenticatedClient(base_url=self.base_url, token="")
        self.client.set_httpx_client(http).set_async_httpx_client(wrong)

    def register(self, email: str, password: str, name: str | None = None) -> AuthSession:
        """Creates an account and signs in."""
        body = RegisterRequest(email=email, password=password, name=UNSET if name is None else name)
        session = unwrap(register.sync_detailed(client=self.client, body=body))
        self._set_tokens(session.tokens)
        return session

    def login(self, email: str, password: str) -> AuthSession:
        """Signs in."""
        session = unwrap(login.sync_detailed(client=self.client, body=LoginRequest(email=email, password=password)))
        self._set_tokens(session.tokens)
        return session

    def logout(self) -> None:
        """Signs out: the session ends on the server and here."""
        if self._tokens is not None:
            unwrap(logout.sync_detailed(client=self.client))
        self._set_tokens(None)

    def refresh(self) -> bool:
        """Exchanges the refresh token for a new pair now; false when the session is over."""
        with self._lock:
            return self._refresh()

    def _refresh_after(self, sent: str) -> bool:
        # One refresh at a time: a refresh token is single-use, so calls refused together share one.
        with self._lock:
            if self._tokens is not None and self._tokens.access_token != sent:
                return True
            return self._refresh()

    def _refresh(self) -> bool:
        if self._tokens is None:
            return False
        body = RefreshRequest(refresh_token=self._tokens.refresh_token)
        return self._refreshed(refresh_tokens.sync_detailed(client=self.client, body=body))

    def close(self) -> None:
        self.client.get_httpx_client().close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


class AsyncLumiku(_Session):
    """An asynchronous Lumiku client: `client` is the generated client every `asyncio*` function
    takes; the rest is the session.

    ```python
    async with AsyncLumiku("https://lumiku.example.com") as lumiku:
        await lumiku.login("ana@example.com", "correct horse battery staple")
        balance = unwrap(await get_credit_balance.asyncio_detailed(client=lumiku.client)).balance
    ```
    """

    client: AuthenticatedClient

    def __init__(
        self,
        base_url: str,
        *,
        tokens: Tokens | None = None,
        on_tokens: Callable[[Tokens | None], None] | None = None,
        tenant_id: str | UUID | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = 30.0,
        httpx_args: dict[str, Any] | None = None,
    ) -> None:
        """As `Lumiku`'s; `httpx_args` go to the `httpx.AsyncClient`."""
        super().__init__(base_url, tokens, on_tokens, tenant_id, api_key)
        self._lock: asyncio.Lock | None = None
        http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, auth=_AsyncAuth(self), **(httpx_args or {}))
        wrong = httpx.Client(transport=_WrongFlavour("AsyncLumiku is asynchronous: use Lumiku for sync*"))
        self.client = AuthenticatedClient(base_url=self.base_url, token="")
        self.client.set_async_httpx_client(http).set_httpx_client(wrong)

    async def register(self, email: str, password: str, name: str | None = None) -> AuthSession:
        """Creates an account and signs in."""
        body = RegisterRequest(email=email, password=password, name=UNSET if name is None else name)
        session = unwrap(await register.asyncio_detailed(client=self.client, body=body))
        self._set_tokens(session.tokens)
        return session

    async def login(self, email: str, password: str) -> AuthSession:
        """Signs in."""
        body = LoginRequest(email=email, password=password)
        session = unwrap(await login.asyncio_detailed(client=self.client, body=body))
        self._set_tokens(session.tokens)
        return session

    async def logout(self) -> None:
        """Signs out: the session ends on the server and here."""
        if self._tokens is not None:
            unwrap(await logout.asyncio_detailed(client=self.client))
        self._set_tokens(None)

    async def refresh(self) -> bool:
        """Exchanges the refresh token for a new pair now; false when the session is over."""
        async with self._refresh_lock():
            return await self._refresh()

    async def _refresh_after(self, sent: str) -> bool:
        # One refresh at a time: a refresh token is single-use, so calls refused together share one.
        async with self._refresh_lock():
            if self._tokens is not None and self._tokens.access_token != sent:
                return True
            return await self._refresh()

    def _refresh_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def _refresh(self) -> bool:
        if self._tokens is None:
            return False
        body = RefreshRequest(refresh_token=self._tokens.refresh_token)
        return self._refreshed(await refresh_tokens.asyncio_detailed(client=self.client, body=body))

    async def aclose(self) -> None:
        await self.client.get_async_httpx_client().aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()


class _SyncAuth(httpx.Auth):
    """Signs each request; on a 401, refreshes the session once and sends the request again."""

    def __init__(self, owner: Lumiku) -> None:
        self._owner = owner

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        sent = self._owner._sign(request)
        response = yield request
        if response.status_code != 401 or sent is None or not self._owner._can_retry(request):
            return
        response.read()  # gives its connection back before the refresh takes one
        if self._owner._refresh_after(sent) and self._owner.session is not None:
            request.headers["Authorization"] = f"Bearer {self._owner.session.access_token}"
            yield request


class _AsyncAuth(httpx.Auth):
    """`_SyncAuth` for `AsyncLumiku`."""

    def __init__(self, owner: AsyncLumiku) -> None:
        self._owner = owner

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        sent = self._owner._sign(request)
        response = yield request
        if response.status_code != 401 or sent is None or not self._owner._can_retry(request):
            return
        await response.aread()
        if await self._owner._refresh_after(sent) and self._owner.session is not None:
            request.headers["Authorization"] = f"Bearer {self._owner.session.access_token}"
            yield request
