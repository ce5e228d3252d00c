"""A demo home (sample company, sandbox ERP) and its reconciled months, built once per module."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pixissync.home import SAMPLES_DIR, Home
from pixissync.reconcile import Sides, load_sides


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Home]:
    from pixissync.demo import build_demo_home

    home = build_demo_home(tmp_path_factory.mktemp("reconcile") / "home")
    yield home
    home.close()


@pytest.fixture(scope="module")
def sides(demo: Home) -> Sides:
    return load_sides(demo)


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads((SAMPLES_DIR / "manifest.json").read_text())["items"]
    return items


@pytest.fixture
def samples() -> Path:
    return SAMPLES_DIR
