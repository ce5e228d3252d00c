"""REST connectors: full pull of the sample company from each stand-in, then 1% changes.

Run: ``.venv/bin/python -m bench.rest_bench [--samples data/samples/field]``.

For each system the stand-in is seeded with the sample company's field export
(canonical CSVs); the connector pulls every entity it offers (figures: rows,
HTTP requests, seconds, rows/s); then 1% of the records of every resource are
changed in the stand-in and an incremental pull (``since`` = just before the
change) is timed and checked to return exactly the changed records.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from pixissync.connectors.acumatica import AcumaticaConnector
from pixissync.connectors.buildops import BuildOpsConnector
from pixissync.connectors.http.base import RestConnector
from pixissync.connectors.rhumbix import RhumbixConnector
from pixissync.connectors.servicetrade import ServiceTradeConnector
from pixissync.model import ENTITIES, conform
from pixissync.sandbox.rest.acumatica import AcumaticaStandIn
from pixissync.sandbox.rest.base import StandIn
from pixissync.sandbox.rest.buildops import BuildOpsStandIn
from pixissync.sandbox.rest.rhumbix import RhumbixStandIn
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn

ROOT = Path(__file__).resolve().parent.parent


def load_samples(folder: Path) -> dict[str, pl.DataFrame]:
    """The sample company's canonical frames."""
    frames = {}
    for entity in ENTITIES:
        path = folder / f"{entity}.csv"
        if path.exists():
            raw = pl.read_csv(path, infer_schema=False)
            frames[entity], _ = conform(entity, raw, source=str(path))
    return frames


@dataclass
class System:
    """How to start, connect to and change one system's stand-in."""

    name: str
    start: Callable[[dict[str, pl.DataFrame]], StandIn]
    connect: Callable[[StandIn], RestConnector]
    change: Callable[[StandIn, random.Random], dict[str, int]]


def _pick(rng: random.Random, items: list[Any]) -> list[Any]:
    return rng.sample(items, max(1, len(items) // 100)) if items else []


def _st_change(s: StandIn, rng: random.Random) -> dict[str, int]:
    assert isinstance(s, ServiceTradeStandIn)
    counts = {}
    for resource, entity in (
        ("company", "customer"),
        ("job", "job"),
        ("invoice", "invoice"),
        ("payment", "payment"),
        ("clock", "time_entry"),
    ):
        chosen = _pick(rng, list(s.records[resource]))
        for rid in chosen:
            s.touch(resource, rid)
        counts[entity] = len(chosen)
    return counts


def _acu_change(s: StandIn, rng: random.Random) -> dict[str, int]:
    assert isinstance(s, AcumaticaStandIn)
    counts = {}
    for target, entity in (
        ("Customer", "customer"),
        ("Project", "job"),
        ("Invoice", "invoice"),
        ("Payment", "payment"),
        ("TimeEntry", "time_entry"),
        ("CostCode", "cost_code"),
    ):
        chosen = _pick(rng, s.records[target])
        for record in chosen:
            s.touch(target, record)
        counts[entity] = len(chosen)
    return counts


def _rhumbix_change(s: StandIn, rng: random.Random) -> dict[str, int]:
    assert isinstance(s, RhumbixStandIn)
    counts = {}
    for resource, entity in (
        ("timekeeping_entries", "time_entry"),
        ("projects", "job"),
        ("employees", "employee"),
        ("cost_codes", "cost_code"),
    ):
        chosen = _pick(rng, s.records[resource])
        for record in chosen:
            s.touch(resource, record)
        counts[entity] = len(chosen)
    return counts


def _buildops_change(s: StandIn, rng: random.Random) -> dict[str, int]:
    assert isinstance(s, BuildOpsStandIn)
    counts = {}
    for resource, entity in (("customers", "customer"), ("jobs", "job"), ("invoices", "invoice")):
        chosen = _pick(rng, list(s.records[resource]))
        for rid in chosen:
            s.touch(resource, rid)
        counts[entity] = len(chosen)
    return counts


SYSTEMS = [
    System(
        "servicetrade",
        lambda f: ServiceTradeStandIn(f).start(),
        lambda s: ServiceTradeConnector(
            s.url, client_id="pixis-client", client_secret="sandbox-secret", page_size=2000
        ),
        _st_change,
    ),
    System(
        "acumatica",
        lambda f: AcumaticaStandIn(f).start(),
        lambda s: AcumaticaConnector(
            s.url, username="admin", password="sandbox-password", page_size=1000
        ),
        _acu_change,
    ),
    System(
        "rhumbix",
        lambda f: RhumbixStandIn(f).start(),
        lambda s: RhumbixConnector(s.url, api_key="sandbox-key", page_size=1000),
        _rhumbix_change,
    ),
    System(
        "buildops",
        lambda f: BuildOpsStandIn(f).start(),
        lambda s: BuildOpsConnector(
            s.url,
            client_id="pixis",
            client_secret="sandbox-secret",
            tenant_id="tenant-1",
            page_size=1000,
        ),
        _buildops_change,
    ),
]


def run(system: System, frames: dict[str, pl.DataFrame]) -> list[str]:
    """Bench one system; return printable lines."""
    lines: list[str] = []
    t0 = time.perf_counter()
    standin = system.start(frames)
    seeded = time.perf_counter() - t0
    conn = system.connect(standin)
    try:
        full_rows = 0
        full_requests_before = conn.client.requests_sent
        t0 = time.perf_counter()
        for entity in sorted(conn.pulls):
            e0, r0 = time.perf_counter(), conn.client.requests_sent
            frame = conn.pull(entity)
            full_rows += frame.height
            lines.append(
                f"  full   {entity:<20} {frame.height:>7} rows {conn.client.requests_sent - r0:>4}"
                f" req {time.perf_counter() - e0:>7.3f} s"
            )
        full = time.perf_counter() - t0
        lines.append(
            f"  FULL   {'all entities':<20} {full_rows:>7} rows "
            f"{conn.client.requests_sent - full_requests_before:>4} req {full:>7.3f} s "
            f"({full_rows / full:,.0f} rows/s; stand-in seeded in {seeded:.2f} s)"
        )
        since = datetime.now(UTC) - timedelta(seconds=1)
        changed = system.change(standin, random.Random(42))
        t0, r0 = time.perf_counter(), conn.client.requests_sent
        inc_rows, ok = 0, True
        for entity, expected in changed.items():
            got = conn.pull(entity, since).height
            inc_rows += got
            ok = ok and got == expected
            if got != expected:
                lines.append(f"  !! {entity}: expected {expected} changed rows, got {got}")
        inc = time.perf_counter() - t0
        lines.append(
            f"  INCR   {'1% changed':<20} {inc_rows:>7} rows {conn.client.requests_sent - r0:>4}"
            f" req {inc:>7.3f} s  ({'exactly the changed records' if ok else 'MISMATCH'})"
        )
    finally:
        conn.close()
        standin.stop()
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the REST bench and print figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.rest_bench")
    parser.add_argument("--samples", type=Path, default=ROOT / "data" / "samples" / "field")
    parser.add_argument("--systems", default=",".join(s.name for s in SYSTEMS))
    args = parser.parse_args(argv)
    frames = load_samples(args.samples)
    sizes = ", ".join(f"{k} {v.height}" for k, v in frames.items())
    print(f"sample company: {sizes}")
    wanted = set(args.systems.split(","))
    for system in SYSTEMS:
        if system.name in wanted:
            print(f"## {system.name}")
            for line in run(system, frames):
                print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
