"""Fixtures for the REST connector tests: small seeds and fast retries."""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl
import pytest
from rest_seed import field_frames

from pixissync.sandbox.rest.acumatica import AcumaticaStandIn
from pixissync.sandbox.rest.buildops import BuildOpsStandIn
from pixissync.sandbox.rest.rhumbix import RhumbixStandIn
from pixissync.sandbox.rest.servicetrade import ServiceTradeStandIn


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
