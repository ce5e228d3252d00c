"""The stand-ins as the demo starts them: registry connectors built from a profile."""

from __future__ import annotations

import polars as pl
import pytest

from pixissync import connectors
from pixissync.errors import ConfigError
from pixissync.sandbox.rest.serve import FACTORIES, profile, start


@pytest.mark.parametrize("system", sorted(FACTORIES))
def test_a_profile_points_the_registered_connector_at_the_stand_in(
    system: str, frames: dict[str, pl.DataFrame]
) -> None:
    standin = start(system, frames)
    try:
        settings = profile(system, standin)
        conn = connectors.create(settings.pop("system"), **settings)
        [result] = conn.check()
        assert result.ok, result.detail
        entity = "time_entry" if system == "rhumbix" else "customer"
        assert conn.pull(entity).height == frames[entity].height
        conn.close()
    finally:
        standin.stop()


def test_an_unknown_stand_in_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="acumatica, buildops, rhumbix, servicetrade"):
        start("procore", {})
