"""build_sage100c_db: the Sage 100 Contractor layout on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, inspect, select

from pixissync.connectors.sage100c import schema as s
from pixissync.errors import InputError
from pixissync.sandbox.sage100c_db import build_sage100c_db
from pixissync.sandbox.sample_company import generate, write


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    write(generate(seed=3, scale=0.03), out)
    return out


def _count_lines(path: Path) -> int:
    return len(path.read_text().splitlines()) - 1


def _assert_loaded(engine: Engine, small: Path) -> None:
    with engine.connect() as conn:
        for name, table in s.TABLES.items():
            rows = conn.execute(select(func.count()).select_from(table)).scalar_one()
            assert rows == _count_lines(small / "sage100c" / f"{name}.csv"), name
        total = conn.execute(select(func.sum(s.acrinv.c.invttl))).scalar_one()
        columns = {c["name"]: c for c in inspect(conn).get_columns("acrinv")}
    exact = sum(
        Decimal(line.split(",")[12])
        for line in (small / "sage100c" / "acrinv.csv").read_text().splitlines()[1:]
    )
    assert Decimal(str(total)).quantize(Decimal("0.01")) == exact
    assert "usrdf1" in columns and columns["invnum"]["type"].length == 20


def test_sqlite_file_holds_every_table(small: Path, tmp_path: Path) -> None:
    engine = build_sage100c_db(tmp_path / "erp.db", small)
    try:
        _assert_loaded(engine, small)
        with engine.connect() as conn:
            money = conn.exec_driver_sql("SELECT invttl FROM acrinv LIMIT 1").scalar_one()
        assert isinstance(money, str)  # SQLite keeps exact text, never a float
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgresql_holds_every_table(small: Path, pg_url: str) -> None:
    engine = build_sage100c_db(pg_url, small / "sage100c")  # the table folder works too
    try:
        _assert_loaded(engine, small)
        with engine.begin() as conn:  # sequences moved past the loaded rows
            conn.execute(s.reccln.insert().values(recnum=99999, clnnme="New"))
    finally:
        engine.dispose()


def test_rebuild_starts_clean(small: Path, tmp_path: Path) -> None:
    build_sage100c_db(tmp_path / "erp.db", small).dispose()
    engine = build_sage100c_db(tmp_path / "erp.db", small)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(func.count()).select_from(s.reccln)).scalar_one()
        assert rows == _count_lines(small / "sage100c" / "reccln.csv")
    finally:
        engine.dispose()


def test_a_bad_cell_names_file_row_and_column(small: Path, tmp_path: Path) -> None:
    folder = tmp_path / "samples"
    shutil.copytree(small / "sage100c", folder / "sage100c")
    path = folder / "sage100c" / "acrinv.csv"
    lines = path.read_text().splitlines()
    cells = lines[2].split(",")
    cells[12] = "12,O0"  # invttl; a CSV cell with a comma is quoted
    lines[2] = ",".join([*cells[:12], '"12,O0"', *cells[13:]])
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"acrinv\.csv, row 3, column 'invttl'"):
        build_sage100c_db(tmp_path / "erp.db", folder).dispose()


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="sage100c"):
        build_sage100c_db(tmp_path / "erp.db", tmp_path / "nowhere")
