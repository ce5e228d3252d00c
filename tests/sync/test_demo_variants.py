"""`pixissync demo --erp ... --systems ...` builds homes on every stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from pixissync.demo import build_demo_home
from pixissync.errors import ConfigError
from pixissync.sync import sync


@pytest.mark.parametrize("erp", ["vista", "sage300cre", "acumatica"])
def test_every_erp_stand_in_pairs_the_sample_customers(tmp_path: Path, erp: str) -> None:
    home = build_demo_home(tmp_path / "home", erp=erp)
    try:
        (result,) = sync(home, "customers", trigger="test")
        assert home.profile("erp")["system"] == erp
        # The sample's 500 shared customers pair with the same history in every ERP.
        assert result.counts["link"] == 500
        if erp == "sage300cre":  # no customer import exists: creates become exceptions
            assert result.counts["create"] == 0 and result.counts["exception"] == 22
        else:
            assert result.counts["create"] + result.counts["exception"] == 22
    finally:
        home.close()


def test_rest_field_systems_feed_the_flows(tmp_path: Path) -> None:
    home = build_demo_home(tmp_path / "home", systems=["servicetrade", "rhumbix"])
    try:
        assert home.profile("field")["system"] == "servicetrade"
        assert home.flows["time"].source == "rhumbix"
        results = {r.flow: r for r in sync(home, ["customers", "time"], trigger="test")}
        assert results["customers"].counts["link"] == 500
        assert results["time"].counts["create"] == 40
    finally:
        home.close()


def test_unknown_erp_or_system_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="choose from sage100c, vista, sage300cre, acumatica"):
        build_demo_home(tmp_path / "a", erp="quickbooks")
    with pytest.raises(ConfigError, match="unknown field system 'procore'"):
        build_demo_home(tmp_path / "b", systems=["procore"])
