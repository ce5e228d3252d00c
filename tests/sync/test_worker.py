"""The scheduled worker runs what is due, once, and never a flow another worker holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from croniter import croniter

from pixissync.demo import build_demo_home
from pixissync.home import Home
from pixissync.worker import run_due


def _next_fire(home: Home) -> datetime:
    """When the customers schedule next fires after its last run (the store's clock)."""
    last = home.store.runs(flow="customers")[0].started_at
    fire: datetime = croniter(home.flows["customers"].schedule, last).get_next(datetime)
    return fire


def _customers_only(folder: Path) -> Home:
    build_demo_home(folder).close()
    config = folder / "pixissync.toml"
    config.write_text(
        config.read_text()
        + "".join(
            f"\n[flows.{name}]\nenabled = false\n"
            for name in ("jobs", "invoices", "time", "payments")
        )
        + '\n[flows.customers]\nschedule = "*/30 * * * *"\nauto_approve = "linked_updates"\n'
    )
    return Home.open(folder)


def test_worker_runs_due_flows_once_and_respects_another_workers_lock(tmp_path: Path) -> None:
    home = _customers_only(tmp_path / "home")
    now = datetime.now(UTC)
    first = run_due(home, now=now, owner="worker-a")
    assert [r.flow for r in first] == ["customers"]
    runs = home.store.runs(flow="customers")
    assert len(runs) == 1 and runs[0].trigger == "schedule"

    fire = _next_fire(home)
    assert run_due(home, now=fire - timedelta(seconds=1), owner="worker-a") == []

    later = fire + timedelta(seconds=1)
    assert home.store.try_lock_flow("customers", "worker-b", 600)
    skipped: list[str] = []
    assert run_due(home, now=later, owner="worker-a", say=skipped.append) == []
    assert any("another worker" in line for line in skipped)
    home.store.release_flow("customers", "worker-b")

    second = run_due(home, now=later, owner="worker-a")
    assert [r.flow for r in second] == ["customers"]
    assert len(home.store.runs(flow="customers")) == 2
    home.close()


def test_a_webhook_event_runs_its_flow_before_the_schedule_says(tmp_path: Path) -> None:
    import httpx

    from pixissync.connectors.servicetrade_webhook import PullQueue, WebhookReceiver

    home = _customers_only(tmp_path / "home")
    now = datetime.now(UTC)
    assert [r.flow for r in run_due(home, now=now, owner="w")] == ["customers"]

    queue = PullQueue()
    secret = "s" * 24
    receiver = WebhookReceiver(secret, queue).start()
    try:
        url = receiver.url_without_secret
        event = {"data": [{"entityType": "company", "entityId": 7}]}
        assert httpx.post(url + "wrong-secret-wrong-secret", json=event).status_code == 404
        for _ in range(3):  # ServiceTrade retries: duplicates are harmless
            assert httpx.post(url + secret, json=event).status_code < 300
    finally:
        receiver.stop()
    # Not due by the schedule (a second before it fires), but queued by the event.
    before_fire = _next_fire(home) - timedelta(seconds=1)
    ran = run_due(home, now=before_fire, owner="w", queue=queue)
    assert [r.flow for r in ran] == ["customers"]
    assert len(home.store.runs(flow="customers")) == 2
    assert run_due(home, now=_next_fire(home) - timedelta(seconds=1), owner="w", queue=queue) == []
    home.close()
