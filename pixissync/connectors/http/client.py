"""One httpx client per connection: timeouts, retries with backoff, classified errors.

What is retried, and how:

* ``429`` and ``408``, ``500``/``502``/``503``/``504`` and connection errors are
  *transient*: retried with exponential backoff and full jitter, honouring the
  server's ``Retry-After`` (seconds or an HTTP date) when it sends one;
* a connection dropped *after* a non-idempotent request (``POST``) was sent is
  not retried here, because the server may have acted on it: it is raised as
  :class:`~pixissync.errors.TransientError` and the connector's look-before-create
  (``find`` by our reference) makes the next attempt safe;
* any other ``4xx`` is *permanent* and raised at once as
  :class:`~pixissync.errors.PermanentError` carrying the system's own message.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from pixissync.errors import PermanentError, TransientError

log = logging.getLogger(__name__)

TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry transient failures.

    Args:
        attempts: total tries, the first included.
        base_delay: seconds before the first retry; doubles each time.
        max_delay: ceiling for one wait (also caps a server's Retry-After).
    """

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        # Full jitter: many workers throttled together do not come back together.
        return rng.uniform(ceiling / 2, ceiling)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def system_message(response: httpx.Response) -> str:
    """The system's own words from an error response (JSON message fields, else text)."""
    try:
        body: Any = response.json()
    except ValueError:
        return response.text.strip()[:500] or response.reason_phrase
    parts: list[str] = []
    _collect_messages(body, parts, depth=0)
    return "; ".join(dict.fromkeys(parts))[:1000] or response.reason_phrase


def _collect_messages(body: Any, parts: list[str], depth: int) -> None:
    if depth > 4:
        return
    if isinstance(body, str):
        parts.append(body)
    elif isinstance(body, list):
        for item in body[:20]:
            _collect_messages(item, parts, depth + 1)
    elif isinstance(body, dict):
        for key in ("exceptionMessage", "message", "error", "detail", "messages", "errors"):
            if body.get(key):
                _collect_messages(body[key], parts, depth + 1)


class RestClient:
    """An httpx client bound to one connection of one system.

    Args:
        system: the system's name, used in error messages.
        base_url: the API root; request paths are relative to it.
        auth: an ``httpx.Auth`` flow (see :mod:`pixissync.connectors.http.auth`).
        timeout: seconds (or an ``httpx.Timeout``) for connect/read/write.
        retry: the retry policy for transient failures.
        transport: an injected transport (tests); defaults to httpx's own.
        sleep: the wait function (tests pass a recorder).
        seed: seeds the jitter so a test run is repeatable.
    """

    def __init__(
        self,
        system: str,
        base_url: str,
        *,
        auth: httpx.Auth | None = None,
        timeout: float | httpx.Timeout = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        seed: int | None = None,
    ) -> None:
        self.system = system
        self.retry = retry or RetryPolicy()
        self.requests_sent = 0
        self.retries = 0
        self._sleep = sleep
        self._rng = random.Random(seed)
        self.http = httpx.Client(
            base_url=base_url,
            auth=auth,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json", **(headers or {})},
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        accept: Collection[int] = (),
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one request, retrying transient failures; return a 2xx or accepted response.

        Args:
            accept: non-2xx statuses the caller handles itself (e.g. 404, 412).
            idempotent: whether sending it twice is harmless (default: by method). A
                create whose key the server assigns is not, even as a ``PUT``: after a
                lost answer or a 5xx it is raised, not resent, so the caller can look
                for the record first. A 429 is always resent (nothing was done).

        Raises:
            TransientError: still failing after the last attempt.
            PermanentError: a 4xx the caller did not accept.
        """
        method = method.upper()
        safe = method in _IDEMPOTENT if idempotent is None else idempotent
        attempt = 0
        while True:
            attempt += 1
            self.requests_sent += 1
            try:
                target = url
                query = _clean(params)
                if query and "?" in url:
                    target, query = str(httpx.URL(url).copy_merge_params(query)), None
                response = self.http.request(
                    method, target, params=query, json=json, headers=headers
                )
            except TransientError as exc:  # raised by an auth flow (login throttled)
                self._wait_or_raise(attempt, exc, exc.retry_after)
                continue
            except httpx.TransportError as exc:
                sent = not isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                error = TransientError(
                    f"{self.system}: {method} {url}: connection failed ({type(exc).__name__})",
                    system_message=str(exc) or None,
                )
                if sent and not safe:
                    raise error from exc
                self._wait_or_raise(attempt, error, None)
                continue
            status = response.status_code
            if response.is_success or status in accept:
                return response
            message = system_message(response)
            where = f"{self.system}: {method} {response.request.url.path} -> {status}"
            if status in TRANSIENT_STATUS:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                error = TransientError(where, system_message=message, retry_after=retry_after)
                if status != 429 and not safe:
                    raise error  # the server may have acted before failing
                self._wait_or_raise(attempt, error, retry_after)
                continue
            raise PermanentError(where, system_message=message)

    def _wait_or_raise(
        self, attempt: int, error: TransientError, retry_after: float | None
    ) -> None:
        if attempt >= self.retry.attempts:
            raise error
        delay = self.retry.delay(attempt, retry_after, self._rng)
        self.retries += 1
        log.info("%s; retry %d in %.2fs", error, attempt, delay)
        self._sleep(delay)

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET and decode JSON; numbers with a fraction become exact ``Decimal``."""
        return json.loads(self.request("GET", url, params=params).content, parse_float=Decimal)

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()


def _clean(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    # httpx replaces a URL's own query string with ``params`` when any are given
    # (even an empty dict), which would lose a ``next`` link's page: pass None then.
    if not params:
        return None
    return {k: v for k, v in params.items() if v is not None} or None
