"""Fixtures for the REST connector tests: small seeds and fast retries."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from rest_seed import field_frames

# The shared contract suite lives one folder up (tests/connectors/contract.py).
_CONNECTORS_TESTS = str(Path(__file__).resolve().parent.parent)
if _CONNECTORS_TESTS not in sys.path:
    sys.path.insert(0, _CONNECTORS_TESTS)

from pixissync.sandbox.rest.acumatica import AcumaticaStandIn  # noqa: E402
from pixissync.sandbox.rest.buildops import BuildOpsStandIn  # noqa: E402
from pixissync.sandbox.rest.rhumbix import RhumbixStandIn  # noqa: E402
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn  # noqa: E402


@pytest.fixture
def frames() -> dict[str, pl.DataFrame]:
    return field_frames()


@pytest.fixture
def servicetrade(frames: dict[str, pl.DataFrame]) -> Iterator[ServiceTradeStandIn]:
    with ServiceTradeStandIn(frames) as standin:
        assert isinstance(standin, ServiceTradeStandIn)
        yield standin


@pytest.fixture
def acumatica(frames: dict[str, pl.DataFrame]) -> Iterator[AcumaticaStandIn]:
    with AcumaticaStandIn(frames) as standin:
        assert isinstance(standin, AcumaticaStandIn)
        yield standin


@pytest.fixture
def rhumbix(frames: dict[str, pl.DataFrame]) -> Iterator[RhumbixStandIn]:
    with RhumbixStandIn(frames) as standin:
        assert isinstance(standin, RhumbixStandIn)
        yield standin


@pytest.fixture
def buildops(frames: dict[str, pl.DataFrame]) -> Iterator[BuildOpsStandIn]:
    with BuildOpsStandIn(frames) as standin:
        assert isinstance(standin, BuildOpsStandIn)
        yield standin
