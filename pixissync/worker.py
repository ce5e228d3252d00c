"""Scheduled, unattended runs: each flow on its cron schedule, one worker per flow.

A flow runs when its schedule has come due since its last run. The worker takes
the flow's lock in the store first, so two workers on one PostgreSQL store never
run the same flow at once; the lock expires on its own if a worker dies. The
flow's auto-approve policy decides what is approved; the rest waits for review.

A webhook receiver (ServiceTrade's entity events) can queue flows: a queued
flow runs at the worker's next turn whatever its schedule says. Each run reads
the systems' current state, so duplicate or out-of-order events are harmless.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from croniter import croniter

from pixissync.flows import FLOW_ORDER, Flow
from pixissync.home import Home
from pixissync.sync import FlowResult, sync

LOCK_SECONDS = 30 * 60


class FlowQueue(Protocol):
    """Flows asked for by events (e.g. ``servicetrade_webhook.PullQueue``)."""

    def take(self) -> list[str]: ...

    def add(self, flow: str) -> None: ...


def worker_name() -> str:
    """A name for this worker in locks and the audit log: host and process."""
    return f"worker@{socket.gethostname()}:{os.getpid()}"


def is_due(flow: Flow, last_started: datetime | None, now: datetime) -> bool:
    """Whether the flow's schedule has fired since its last run (never run: due)."""
    if last_started is None:
        return True
    next_run: datetime = croniter(flow.schedule, last_started).get_next(datetime)
    return next_run <= now


def run_due(
    home: Home,
    *,
    now: datetime | None = None,
    owner: str | None = None,
    queue: FlowQueue | None = None,
    say: Callable[[str], None] = lambda _m: None,
) -> list[FlowResult]:
    """Run every enabled flow that is due (or queued) and not locked by another worker."""
    now = now or datetime.now(UTC)
    owner = owner or worker_name()
    store = home.store
    queued = set(queue.take()) if queue is not None else set()
    results: list[FlowResult] = []
    for name in FLOW_ORDER:
        flow = home.flows.get(name)
        if flow is None or not flow.enabled:
            continue
        last = store.runs(flow=name, limit=1)
        if name not in queued and not is_due(flow, last[0].started_at if last else None, now):
            continue
        if not store.try_lock_flow(name, owner, LOCK_SECONDS):
            say(f"{name}: another worker is running it; skipped")
            if name in queued and queue is not None:
                queue.add(name)  # keep the event's request for the next turn
            continue
        try:
            results.extend(sync(home, name, trigger="schedule", progress=say))
        finally:
            store.release_flow(name, owner)
    return results


def work(
    home: Home,
    *,
    once: bool = False,
    poll_seconds: float = 30.0,
    queue: FlowQueue | None = None,
) -> None:
    """Run due (and queued) flows until interrupted, or once."""
    owner = worker_name()
    while True:
        run_due(home, owner=owner, queue=queue, say=lambda m: print(m, flush=True))
        if once:
            return
        time.sleep(poll_seconds)
