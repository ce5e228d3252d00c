"""ServiceTrade webhook receiver: secret in the URL, events queue incremental pulls."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pixissync.connectors.servicetrade_webhook import PullQueue, WebhookReceiver, events_of

SECRET = "0123456789abcdef-sandbox"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver(SECRET, PullQueue()).start()
    yield r
    r.stop()


def test_events_queue_each_affected_flow_once(receiver: WebhookReceiver) -> None:
    url = receiver.url_without_secret + SECRET
    with httpx.Client() as client:
        job = {"data": [{"entityType": "job", "entityId": 123, "action": "updated"}]}
        assert client.post(url, json=job).status_code == 200
        assert client.post(url, json=job).status_code == 200  # a duplicate delivery
        site = [{"entity": {"type": "location", "id": 9}}]
        assert client.post(url, json=site).status_code == 200
        client.post(url, json={"type": "invoice", "id": 5})
        client.post(url, json={"type": "widget", "id": 1})  # unknown: acknowledged, ignored
    assert receiver.queue.events == 5
    assert receiver.queue.take() == ["jobs", "customers", "invoices"]
    assert receiver.queue.take() == []


def test_a_wrong_secret_is_not_found_and_queues_nothing(receiver: WebhookReceiver) -> None:
    with httpx.Client() as client:
        wrong = receiver.url_without_secret + SECRET[:-1] + "y"
        assert client.post(wrong, json={"type": "job", "id": 1}).status_code == 404
        assert client.get(receiver.url_without_secret + SECRET).status_code == 404
    assert len(receiver.queue) == 0


def test_payload_shapes_are_read_tolerantly() -> None:
    assert events_of({"data": [{"entityType": "Job", "entityId": 1}]}) == [("job", "1")]
    assert events_of([{"entity": {"type": "company", "id": 2}}]) == [("company", "2")]
    assert events_of({"type": "invoice"}) == [("invoice", None)]
    assert events_of("nonsense") == []


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 16"):
        WebhookReceiver("short", PullQueue())
