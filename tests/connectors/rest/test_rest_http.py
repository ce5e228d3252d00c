"""The shared httpx layer: retries, error classes, auth refresh, pagination loops."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rest_seed import FAST

from pixissync.connectors.http.auth import (
    AcumaticaCookieAuth,
    OAuth2ClientCredentials,
    ServiceTradeSessionAuth,
)
from pixissync.connectors.http.client import RestClient, RetryPolicy, parse_retry_after
from pixissync.connectors.http.paging import (
    NextUrlPaginator,
    PageNumberPaginator,
    TopSkipPaginator,
)
from pixissync.errors import PermanentError, TransientError
from pixissync.sandbox.rest.base import Reply, Request, StandIn
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn


class Echo(StandIn):
    """A tiny real server with the awkward answers real APIs sometimes give."""

    system = "echo"

    def __init__(self) -> None:
        super().__init__()
        self.posts = 0
        self.route("GET", "/ok", lambda r: Reply(200, {"ok": True}))
        self.route("GET", "/missing", lambda r: Reply(404, {"message": "No such job 42"}))
        self.route("POST", "/create", self._create)
        self.route("GET", "/loop", self._loop)
        self.route("GET", "/same", lambda r: Reply(200, {"data": {"totalPages": 5, "x": [1]}}))
        self.route("GET", "/rows", self._rows)

    def _create(self, request: Request) -> Reply:
        self.posts += 1
        return Reply(200, {"id": self.posts})

    def _loop(self, request: Request) -> Reply:
        page = int(request.query.get("page", "1"))
        # page 2 points back at page 1: a broken next link
        target = 2 if page == 1 else 1
        base = f"http://{request.header('Host')}/loop"
        return Reply(200, {"results": [{"id": page}], "next": f"{base}?page={target}"})

    def _rows(self, request: Request) -> Reply:
        top, skip = int(request.query["$top"]), int(request.query["$skip"])
        return Reply(200, [{"n": n} for n in range(skip, min(skip + top, 7))])


@pytest.fixture
def echo() -> Iterator[Echo]:
    with Echo() as server:
        assert isinstance(server, Echo)
        yield server


def client_for(server: StandIn, **kwargs: Any) -> RestClient:
    return RestClient("echo", server.url, **{"retry": FAST, **kwargs})


def test_retry_after_is_read_as_seconds_or_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (parse_retry_after(future) or 0) <= 31
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_backoff_grows_with_jitter_and_honours_retry_after_up_to_a_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=10.0)
    rng = random.Random(1)
    delays = [policy.delay(n, None, rng) for n in (1, 2, 3, 4, 5, 6)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(10.0, 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert policy.delay(1, 4.0, rng) == 4.0
    assert policy.delay(1, 600.0, rng) == 10.0


def test_transient_failures_are_retried_then_raised_with_the_message(echo: Echo) -> None:
    waits: list[float] = []
    client = client_for(echo, retry=RetryPolicy(attempts=3, max_delay=5), sleep=waits.append)
    echo.faults.retry_after = "2"
    echo.faults.add("429", "429", "429")
    with pytest.raises(TransientError, match="429") as info:
        client.request("GET", "/ok")
    assert info.value.retriable and info.value.retry_after == 2.0
    assert "API rate limit exceeded" in str(info.value)
    assert waits == [2.0, 2.0] and client.requests_sent == 3
    client.close()


def test_a_4xx_is_permanent_and_not_retried(echo: Echo) -> None:
    client = client_for(echo)
    with pytest.raises(PermanentError, match="No such job 42"):
        client.request("GET", "/missing")
    assert client.requests_sent == 1
    assert client.request("GET", "/missing", accept=(404,)).status_code == 404
    client.close()


def test_a_post_whose_answer_was_lost_is_not_resent(echo: Echo) -> None:
    client = client_for(echo)
    echo.faults.add("drop_after")
    with pytest.raises(TransientError, match="connection failed"):
        client.request("POST", "/create", json={})
    assert echo.posts == 1, "the server acted once; resending could act twice"
    echo.faults.add("drop")  # dropped before the server acted: a GET is simply retried
    assert client.request("GET", "/ok").json() == {"ok": True}
    client.close()


def test_pagination_loops_are_detected(echo: Echo) -> None:
    client = client_for(echo)
    with pytest.raises(PermanentError, match="pagination loop"):
        list(NextUrlPaginator(client, "/loop", records_path="results"))
    with pytest.raises(PermanentError, match="repeats an earlier page"):
        list(PageNumberPaginator(client, "/same", records_path="data.x"))
    rows = list(TopSkipPaginator(client, "/rows", page_size=3))
    assert [r["n"] for r in rows] == list(range(7))
    client.close()


def test_oauth2_token_is_renewed_before_it_expires() -> None:
    now = [1_000_000.0]
    with ServiceTradeStandIn(clock=lambda: now[0], token_ttl=3600) as server:
        assert isinstance(server, ServiceTradeStandIn)
        auth = OAuth2ClientCredentials(
            f"{server.url}/api/oauth2/token",
            client_id="pixis-client",
            client_secret="sandbox-secret",
            clock=lambda: now[0],
        )
        client = RestClient("servicetrade", server.url, auth=auth, retry=FAST)
        client.get_json("/api/company")
        now[0] += 3400  # inside the 5-minute margin before expiry
        client.get_json("/api/company")
        assert auth.logins == 2
        assert all(status != 401 for _, _, status in server.log), "renewed before, not after"
        client.close()


def test_secrets_stay_out_of_reprs() -> None:
    for auth in (
        OAuth2ClientCredentials("u", client_id="id", client_secret="s3cr3t"),
        ServiceTradeSessionAuth("u", "me", "s3cr3t"),
        AcumaticaCookieAuth("u", "v", "me", "s3cr3t"),
    ):
        assert "s3cr3t" not in repr(auth)


def test_a_refused_refresh_token_falls_back_to_a_fresh_sign_in() -> None:
    with ServiceTradeStandIn() as server:
        assert isinstance(server, ServiceTradeStandIn)
        auth = OAuth2ClientCredentials(
            f"{server.url}/api/oauth2/token",
            client_id="pixis-client",
            client_secret="sandbox-secret",
            refresh_token="revoked-long-ago",
        )
        client = RestClient("servicetrade", server.url, auth=auth, retry=FAST)
        assert client.get_json("/api/company")["data"]["companies"] == []
        assert auth.logins == 1 and auth.refresh_token in server.refresh_tokens
        client.close()
