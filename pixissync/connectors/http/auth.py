"""Authentication as ``httpx.Auth`` flows, one class per scheme.

Each flow logs in lazily, refreshes *before* expiry where the system says when
that is, and logs in once more when a request comes back ``401`` (an expired or
idled-out session). A failed login is classified like any other response: ``429``
and ``5xx`` are transient, anything else permanent, with the system's message.
Secrets are held in fields excluded from ``repr`` so they never reach a log line.
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from pixissync.connectors.http.client import TRANSIENT_STATUS, parse_retry_after, system_message
from pixissync.errors import PermanentError, TransientError

Flow = Generator[httpx.Request, httpx.Response, None]


def _login_failed(system: str, response: httpx.Response) -> Exception:
    message = system_message(response)
    where = f"{system}: login -> {response.status_code}"
    if response.status_code in TRANSIENT_STATUS:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        return TransientError(where, system_message=message, retry_after=retry_after)
    return PermanentError(where, system_message=message)


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (unverified: we only need to know when to refresh)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        exp = json.loads(base64.urlsafe_b64decode(payload)).get("exp")
    except (ValueError, AttributeError):
        return None
    return float(exp) if isinstance(exp, int | float) else None


class _RefreshingAuth(httpx.Auth, ABC):
    """Shared shape: a login request, a way to apply credentials, refresh on 401."""

    requires_response_body = True
    system = "system"

    def __init__(self) -> None:
        self.logins = 0

    # hooks -----------------------------------------------------------------
    @abstractmethod
    def _needs_login(self) -> bool: ...

    @abstractmethod
    def _login_request(self) -> httpx.Request: ...

    @abstractmethod
    def _accept_login(self, response: httpx.Response) -> None: ...

    @abstractmethod
    def _apply(self, request: httpx.Request) -> None: ...

    # flow ------------------------------------------------------------------
    def _login(self) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield self._login_request()
        if not response.is_success:
            raise _login_failed(self.system, response)
        self.logins += 1
        self._accept_login(response)

    def auth_flow(self, request: httpx.Request) -> Flow:
        if self._needs_login():
            yield from self._login()
        self._apply(request)
        response = yield request
        if response.status_code == 401:
            # Session idled out or token revoked: log in once more and replay.
            yield from self._login()
            self._apply(request)
            yield request


@dataclass(eq=False)
class OAuth2ClientCredentials(_RefreshingAuth):
    """OAuth2 with refresh before expiry: client credentials, password or refresh token.

    The grant is ``refresh_token`` while we hold one, else ``password`` when a
    username is given (Acumatica's resource-owner flow, ``scope=api``), else
    ``client_credentials`` (ServiceTrade). A refused refresh token falls back to
    the first grant once. Token requests are form-encoded as in ServiceTrade's
    official SDK; the expiry comes from ``expires_in`` or the JWT's ``exp``.
    """

    token_url: str
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    scope: str | None = None
    leeway: float = 300.0
    clock: Callable[[], float] = time.time
    system: str = "oauth2"  # type: ignore[misc]
    _token: str | None = field(default=None, init=False, repr=False)
    _expires: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        super().__init__()

    def _needs_login(self) -> bool:
        if self._token is None:
            return True
        return self._expires is not None and self.clock() >= self._expires - self.leeway

    def _login(self) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield self._login_request()
        if (
            response.status_code in (400, 401)
            and self.refresh_token
            and (self.username or self.client_secret)
        ):
            self.refresh_token = None  # expired or revoked: sign in afresh
            response = yield self._login_request()
        if not response.is_success:
            raise _login_failed(self.system, response)
        self.logins += 1
        self._accept_login(response)

    def _login_request(self) -> httpx.Request:
        form: dict[str, str]
        if self.refresh_token:
            form = {"grant_type": "refresh_token", "refresh_token": self.refresh_token}
        elif self.username:
            form = {
                "grant_type": "password",
                "username": self.username,
                "password": self.password or "",
            }
        else:
            form = {"grant_type": "client_credentials"}
        if self.client_id:
            form["client_id"] = self.client_id
        if self.client_secret:
            form["client_secret"] = self.client_secret
        if self.scope:
            form["scope"] = self.scope
        return httpx.Request("POST", self.token_url, data=form)

    def _accept_login(self, response: httpx.Response) -> None:
        body: dict[str, Any] = response.json()
        token = body.get("access_token")
        if not token:
            raise PermanentError(f"{self.system}: login response has no access_token")
        self._token = str(token)
        if body.get("refresh_token"):
            self.refresh_token = str(body["refresh_token"])
        expires_in = body.get("expires_in")
        self._expires = self.clock() + float(expires_in) if expires_in else jwt_expiry(self._token)

    def _apply(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self._token}"


@dataclass(eq=False)
class ServiceTradeSessionAuth(_RefreshingAuth):
    """ServiceTrade's legacy session: ``POST /api/auth`` then ``Cookie: PHPSESSID``."""

    auth_url: str
    username: str
    password: str = field(repr=False)
    system: str = "servicetrade"  # type: ignore[misc]
    _session: str | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__init__()

    def _needs_login(self) -> bool:
        return self._session is None

    def _login_request(self) -> httpx.Request:
        return httpx.Request(
            "POST", self.auth_url, json={"username": self.username, "password": self.password}
        )

    def _accept_login(self, response: httpx.Response) -> None:
        data = response.json().get("data") or {}
        token = data.get("authToken") or response.cookies.get("PHPSESSID")
        if not token:
            raise PermanentError("servicetrade: login response has no authToken")
        self._session = str(token)

    def _apply(self, request: httpx.Request) -> None:
        request.headers["Cookie"] = f"PHPSESSID={self._session}"

    def logout(self, http: httpx.Client) -> None:
        """End the session (``DELETE /api/auth``); errors are ignored, we are leaving."""
        if self._session is None:
            return
        request = http.build_request("DELETE", self.auth_url)
        self._apply(request)
        self._session = None
        with contextlib.suppress(httpx.HTTPError):
            http.send(request, auth=None)


@dataclass(eq=False)
class BuildOpsAuth(_RefreshingAuth):
    """BuildOps: ``POST /v1/auth/token`` with JSON credentials; Bearer + ``tenantId``."""

    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    tenant_id: str = ""
    leeway: float = 60.0
    clock: Callable[[], float] = time.time
    system: str = "buildops"  # type: ignore[misc]
    _token: str | None = field(default=None, init=False, repr=False)
    _expires: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        super().__init__()

    def _needs_login(self) -> bool:
        if self._token is None:
            return True
        return self._expires is not None and self.clock() >= self._expires - self.leeway

    def _login_request(self) -> httpx.Request:
        return httpx.Request(
            "POST",
            self.token_url,
            json={
                "clientId": self.client_id,
                "clientSecret": self.client_secret,
                "tenantId": self.tenant_id,
            },
        )

    def _accept_login(self, response: httpx.Response) -> None:
        body = response.json()
        token = body.get("access_token") or body.get("accessToken")
        if not token:
            raise PermanentError("buildops: login response has no access_token")
        self._token = str(token)
        expires_in = body.get("expires_in") or body.get("expiresIn")
        self._expires = self.clock() + float(expires_in) if expires_in else None

    def _apply(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = f"Bearer {self._token}"
        request.headers["tenantId"] = self.tenant_id


@dataclass(eq=False)
class AcumaticaCookieAuth(_RefreshingAuth):
    """Acumatica: ``POST /entity/auth/login`` sets session cookies; log out at the end.

    Sessions idle out (about 20 minutes); a ``401`` logs in again and replays.
    """

    login_url: str
    logout_url: str
    name: str
    password: str = field(repr=False)
    tenant: str | None = None
    branch: str | None = None
    locale: str | None = None
    system: str = "acumatica"  # type: ignore[misc]
    _cookies: dict[str, str] | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__init__()

    def _needs_login(self) -> bool:
        return self._cookies is None

    def _login_request(self) -> httpx.Request:
        body = {"name": self.name, "password": self.password}
        for key in ("tenant", "branch", "locale"):
            value = getattr(self, key)
            if value:
                body[key] = value
        return httpx.Request("POST", self.login_url, json=body)

    def _accept_login(self, response: httpx.Response) -> None:
        self._cookies = dict(response.cookies.items())

    def _apply(self, request: httpx.Request) -> None:
        request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in (self._cookies or {}).items())

    def logout(self, http: httpx.Client) -> bool:
        """Log out (``POST /entity/auth/logout``); returns whether a session was ended."""
        if self._cookies is None:
            return False
        request = http.build_request("POST", self.logout_url)
        self._apply(request)
        self._cookies = None
        try:
            return http.send(request, auth=None).is_success
        except httpx.HTTPError:
            return False


@dataclass(eq=False)
class ApiKeyAuth(httpx.Auth):
    """A static API key in a header (Rhumbix: ``x-api-key``)."""

    key: str = field(repr=False)
    header: str = "x-api-key"

    def auth_flow(self, request: httpx.Request) -> Flow:
        request.headers[self.header] = self.key
        yield request
