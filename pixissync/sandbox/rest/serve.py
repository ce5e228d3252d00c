"""Start REST stand-ins seeded from the sample company, for the demo and by hand.

From code (the demo)::

    standin = start("servicetrade", frames)          # running on 127.0.0.1
    settings = profile("servicetrade", standin)      # a [connections.*] profile
    connector = connectors.create(**settings)         # or write it to pixissync.toml

From a shell, to point the console or ``pixissync sync`` at them::

    python -m pixissync.sandbox.rest.serve servicetrade,acumatica --port 8701

prints one ``[connections.<system>]`` block per stand-in and serves until Ctrl-C.
The credentials are the stand-ins' fixed sandbox ones, not secrets.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from pixissync.errors import ConfigError
from pixissync.model import ENTITIES, conform
from pixissync.sandbox.rest.acumatica import AcumaticaStandIn
from pixissync.sandbox.rest.base import StandIn
from pixissync.sandbox.rest.buildops import BuildOpsStandIn
from pixissync.sandbox.rest.rhumbix import RhumbixStandIn
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn

FACTORIES: dict[str, Callable[[Mapping[str, pl.DataFrame]], StandIn]] = {
    "servicetrade": ServiceTradeStandIn,
    "acumatica": AcumaticaStandIn,
    "rhumbix": RhumbixStandIn,
    "buildops": BuildOpsStandIn,
}

_CREDENTIALS: dict[str, dict[str, str]] = {
    "servicetrade": {"username": "pixis", "password": "sandbox-password"},
    "acumatica": {"username": "admin", "password": "sandbox-password", "tenant": "Company"},
    "rhumbix": {"api_key": "sandbox-key"},
    "buildops": {"client_id": "pixis", "client_secret": "sandbox-secret", "tenant_id": "tenant-1"},
}


def load_frames(folder: Path) -> dict[str, pl.DataFrame]:
    """Canonical frames from a folder of ``<entity>.csv`` (the sample company's export)."""
    frames: dict[str, pl.DataFrame] = {}
    for entity in ENTITIES:
        path = folder / f"{entity}.csv"
        if path.exists():
            frames[entity], _ = conform(
                entity, pl.read_csv(path, infer_schema=False), source=str(path)
            )
    return frames


def start(system: str, frames: Mapping[str, pl.DataFrame], *, port: int = 0) -> StandIn:
    """Seed and start the stand-in of ``system`` on loopback."""
    try:
        factory = FACTORIES[system]
    except KeyError:
        raise ConfigError(
            f"no stand-in for {system!r}; known: {', '.join(sorted(FACTORIES))}"
        ) from None
    return factory(frames).start(port)


def profile(system: str, standin: StandIn) -> dict[str, Any]:
    """Connection settings (``system`` included) that point a connector at ``standin``."""
    return {"system": system, "base_url": standin.url, **_CREDENTIALS[system]}


def main(argv: list[str] | None = None) -> int:
    """Serve the named stand-ins until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m pixissync.sandbox.rest.serve")
    parser.add_argument("systems", help="comma-separated: " + ", ".join(FACTORIES))
    parser.add_argument("--samples", type=Path, default=Path("data/samples/field"))
    parser.add_argument("--port", type=int, default=0, help="first port (default: any free)")
    args = parser.parse_args(argv)
    frames = load_frames(args.samples)
    running = []
    for n, system in enumerate(s.strip() for s in args.systems.split(",") if s.strip()):
        standin = start(system, frames, port=args.port + n if args.port else 0)
        running.append(standin)
        print(f"[connections.{system}]")
        for key, value in profile(system, standin).items():
            print(f'{key} = "{value}"')
        print()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        for standin in running:
            standin.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
