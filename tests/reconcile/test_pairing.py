"""Paired invoices that differ in customer or job; pairing never guesses between look-alikes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from pixissync.reconcile import sides_from_frames, tie_out


def _invoice(i: str, number: str, cust: str, job: str, total: str = "10.00") -> dict[str, object]:
    day = date(2026, 9, 3)
    return {
        "invoice_id": i,
        "invoice_number": number,
        "customer_id": cust,
        "job_id": job,
        "invoice_date": day,
        "due_date": day,
        "total": Decimal(total),
    }


def test_a_pair_on_another_customer_and_job_is_listed_with_both_differences() -> None:
    field = {
        "customer": pl.DataFrame({"customer_id": ["C1", "C2"], "name": ["Acme", "Birch"]}),
        "job": pl.DataFrame(
            {"job_id": ["J1", "J2"], "job_number": ["100", "200"], "customer_id": ["C1", "C2"]}
        ),
        "invoice": pl.DataFrame([_invoice("I1", "1", "C1", "J1"), _invoice("I2", "2", "C2", "J2")]),
    }
    erp = {
        "customer": pl.DataFrame({"customer_id": ["9", "8"], "name": ["ACME", "BIRCH"]}),
        "job": pl.DataFrame(
            {"job_id": ["100", "200"], "job_number": ["100", "200"], "customer_id": ["9", "8"]}
        ),
        # Invoice 1 was keyed against Birch's job in the ERP.
        "invoice": pl.DataFrame([_invoice("1", "1", "8", "200"), _invoice("2", "2", "8", "200")]),
    }
    rec = tie_out(sides_from_frames(field, erp), "2026-09")
    listed = rec.exceptions.filter(pl.col("measure") == "Invoiced")
    assert listed.select("kind", "field_id", "erp_id").rows() == [
        ("invoice_customer_difference", "I1", "1")
    ]
    assert listed["detail"][0] == "different customer; different job"
    assert listed["explains"][0] == Decimal("0.00")  # same total, same month: no money moves
    by_customer = {r["customer"]: r["difference"] for r in rec.by_customer.iter_rows(named=True)}
    assert by_customer == {"Acme": Decimal("10.00"), "Birch": Decimal("-10.00")}


def test_a_number_shared_by_two_erp_invoices_pairs_neither() -> None:
    field = {"invoice": pl.DataFrame([_invoice("I1", "ST-5", "C1", "J1")])}
    erp = {
        "invoice": pl.DataFrame([_invoice("5", "5", "9", "100"), _invoice("6", "0005", "9", "100")])
    }
    rec = tie_out(sides_from_frames(field, erp), "2026-09")
    kinds = rec.exceptions.filter(pl.col("measure") == "Invoiced")
    assert sorted(kinds.select("kind", "field_id", "erp_id").rows(), key=str) == sorted(
        [
            ("invoice_only_in_field", "I1", None),
            ("invoice_only_in_erp", None, "5"),
            ("invoice_only_in_erp", None, "6"),
        ],
        key=str,
    )
    assert rec.summary.row(0, named=True)["unexplained"] == Decimal("0.00")
