"""``pixissync match`` / ``dedupe`` from the command line: bad input and an end-to-end run."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bench.matching.metrics import dedupe_quality, link_quality
from bench.matching.spell import customers
from pixissync.cli import main


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def good(tmp_path: Path) -> Path:
    return _csv(tmp_path / "right.csv", "customer_id,name,phone\nB1,Summit Mechanical,6175550101\n")


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err


def test_missing_id_column(tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    left = _csv(tmp_path / "left.csv", "id,name\n1,Summit\n")
    assert main(["match", "customers", str(left), str(good), "--out", str(tmp_path / "o.csv")]) == 2
    err = _error(capsys)
    assert f"file {left}" in err and "'customer_id'" in err and "missing" in err


def test_duplicate_ids_name_file_row_column(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    left = _csv(tmp_path / "left.csv", "customer_id,name\nA1,Summit\nA2,Acme\nA1,Other\n")
    assert main(["match", "customers", str(left), str(good), "--out", str(tmp_path / "o.csv")]) == 2
    err = _error(capsys)
    assert f"file {left}, row 1, column 'customer_id'" in err
    assert "row 3, column 'customer_id': the id appears more than once" in err


def test_empty_id_names_its_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records = _csv(tmp_path / "r.csv", "customer_id,name\nA1,Summit\n,Acme\n")
    assert main(["dedupe", "customers", str(records), "--out", str(tmp_path / "o.csv")]) == 2
    err = _error(capsys)
    assert "row 2" in err and "'customer_id'" in err


def test_unreadable_file(tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.csv"
    assert main(["match", "customers", str(missing), str(good), "--out", str(tmp_path / "o")]) == 2
    assert f"file {missing}: file not found" in _error(capsys)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"not parquet at all")
    assert main(["dedupe", "customers", str(broken), "--out", str(tmp_path / "o")]) == 2
    assert f"file {broken}: cannot read the file" in _error(capsys)


def test_wrong_type_names_file_row_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    invoices = _csv(
        tmp_path / "inv.csv",
        "invoice_id,invoice_number,invoice_date,total\n"
        "I1,ST-1,2024-01-05,100.00\nI2,ST-2,2024-01-06,a lot\n",
    )
    assert main(["dedupe", "invoices", str(invoices), "--out", str(tmp_path / "o.csv")]) == 2
    err = _error(capsys)
    assert f"file {invoices}, row 2, column 'total'" in err and "'a lot'" in err


def test_match_invoices_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    left = _csv(tmp_path / "l.csv", "invoice_id,invoice_number,customer_id,invoice_date,total\n"
                "S1,ST-10422,C1,2024-03-01,1200.50\nS2,ST-10423,C1,2024-03-02,99.00\n")  # fmt: skip
    right = _csv(tmp_path / "r.csv", "invoice_id,invoice_number,customer_id,invoice_date,total\n"
                 "E1,10423,C1,2024-03-02,99.00\n"
                 "E2,0010422,C1,2024-03-01,\"1,200.50\"\n")  # fmt: skip
    out = tmp_path / "pairs.csv"
    assert main(["match", "invoices", str(left), str(right), "--out", str(out)]) == 0
    pairs = pl.read_csv(out)
    assert sorted(pairs.select("left_id", "right_id").rows()) == [("S1", "E2"), ("S2", "E1")]
    assert (pairs["decision"] == "auto").all()
    assert "2 pairs (auto: 2)" in capsys.readouterr().out


def test_match_and_dedupe_customers_meet_quality_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    left, right = customers(1500, seed=11)
    left.drop("entity").write_csv(tmp_path / "field.csv")
    right.drop("entity").write_parquet(tmp_path / "erp.parquet")
    out = tmp_path / "pairs.csv"
    code = main(["match", "customers", str(tmp_path / "field.csv"), str(tmp_path / "erp.parquet"),
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    pairs = pl.read_csv(out, infer_schema=False)
    assert {"left_id", "right_id", "score", "decision", "explanation"} <= set(pairs.columns)
    assert pairs["left_id"].is_unique().all() and pairs["right_id"].is_unique().all()
    quality = link_quality(pairs, left, right)
    assert quality.f1 >= 0.98, quality
    assert quality.auto_precision >= 0.995, quality
    assert quality.review_share <= 0.10, quality
    assert "pairs (auto:" in capsys.readouterr().out

    dup_out = tmp_path / "dups.csv"
    assert main(["dedupe", "customers", str(tmp_path / "erp.parquet"), "--out", str(dup_out)]) == 0
    dups = pl.read_csv(dup_out, infer_schema=False)
    assert {"id_a", "id_b", "score", "decision", "group_id", "explanation"} <= set(dups.columns)
    assert dedupe_quality(dups, right).f1 >= 0.9


def test_rule_file_of_another_entity_is_refused(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pixissync.matching import rules_path

    rules = str(rules_path("invoices"))
    code = main(["dedupe", "customers", str(good), "--out", str(tmp_path / "o"), "--rules", rules])
    assert code == 2
    assert "the rule file is for 'invoice', not 'customer'" in _error(capsys)


def test_bad_rule_file_from_cli(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _csv(tmp_path / "bad.yaml", "entity: customer\nid: customer_id\nsurprise: 1\n")
    code = main(
        ["dedupe", "customers", str(good), "--out", str(tmp_path / "o"), "--rules", str(bad)]
    )
    assert code == 2
    assert f"{bad}: surprise: unknown key" in _error(capsys)


def test_match_jobs_end_to_end(tmp_path: Path) -> None:
    header = "job_id,job_number,name,customer_id,address1,city,postal_code\n"
    left = _csv(
        tmp_path / "l.csv",
        header
        + "W1,WO-0042,Main St Office - Phase 1,C1,100 Main Street,Boston,02134\n"
        + "W2,WO-0043,Main St Office - Phase 2,C1,100 Main Street,Boston,02134\n",
    )
    right = _csv(
        tmp_path / "r.csv",
        header
        + "J7,2024-017,MAIN ST OFFICE PHASE 2,C1,100 Main St,Boston,02134\n"
        + "J8,42,Main St. Office Phase 1,C1,100 Main St,Boston,02134-1111\n",
    )
    out = tmp_path / "pairs.csv"
    assert main(["match", "jobs", str(left), str(right), "--out", str(out)]) == 0
    pairs = pl.read_csv(out)
    assert sorted(pairs.select("left_id", "right_id").rows()) == [("W1", "J8"), ("W2", "J7")]
    w1 = pairs.filter(pl.col("left_id") == "W1")
    assert w1["decision"][0] == "auto"
    assert "job number: same after removing prefix and zeros" in w1["explanation"][0]
