"""Every normaliser on literal cases: what goes in, what comes out."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl
import pytest

from pixissync.matching import normalize as n


def _run(normalizer: str, value: str | None) -> str | None:
    frame = pl.DataFrame({"x": [value]}, schema={"x": pl.String})
    out = frame.select(n.resolve(normalizer)(pl.col("x")))
    result: str | None = out.item()
    return result


@pytest.mark.parametrize(
    ("normalizer", "raw", "expected"),
    [
        # company names: legal suffixes in all spellings, &/and, punctuation, "The", trades
        ("company_name", "Summit Mech, L.L.C.", "summit mechanical llc"),
        ("company_name", "Summit Mechanical LLC", "summit mechanical llc"),
        ("company_name", "The ABC Plumbing & Heating Co.", "abc plumbing and heating co"),
        ("company_name", "ACME Services, Incorporated", "acme services inc"),
        ("company_name", "Acme Svcs Inc", "acme services inc"),
        ("company_name", "Oakwood Prop Mgmt Corp.", "oakwood property management corp"),
        ("company_name", "O'Brien Electrical", "obrien electric"),
        ("company_name", "Smith, John", "john smith"),
        ("company_name", "Kelley, Bob", "robert kelley"),
        ("company_name", "Mr. John Smith Jr.", "john smith"),
        ("company_name", "Burger Barn #12", "burger barn 12"),
        ("company_name", "   ", None),
        ("company_name", None, None),
        ("company_core", "Summit Mech, L.L.C.", "summit mechanical"),
        (
            "company_core",
            "ABC Plumbing and Heating, Limited Liability Company",
            "abc plumbing heating",
        ),
        ("company_core", "Bay Supply Corp.", "bay supply"),
        ("person_order", "Smith, John", "John Smith"),
        ("person_order", "Summit, LLC", "Summit, LLC"),
        ("name_numbers", "burger barn 12", "12"),
        ("name_numbers", "burger barn", None),
        ("name_numbers", "burger barn store 0012 bldg 3", "12 3"),
        ("trade_words", "kim plumbing and heating llc", "heating plumbing"),
        ("trade_words", "kim electric", "electric"),
        ("trade_words", "riverside dental group", None),
        # addresses: USPS suffixes/directionals, units moved between lines, ZIP+4
        ("street_address", "123 North Main Street, Suite 200", "123 n main st #200"),
        ("street_address", "123 N. Main St. Ste. 200", "123 n main st #200"),
        ("street_line", "123 North Main Street, Suite 200", "123 n main st"),
        ("street_line", "45 Elm Avenue Apt #3B", "45 elm ave"),
        ("street_line", "P.O. Box 55", "po box 55"),
        ("unit", "45 Elm Ave Apt #3B", "3b"),
        ("unit", "100 Main St # 200", "200"),
        ("unit", "100 Main St", None),
        ("house_number", "1200-B Oak Road", "1200"),
        ("house_number", "PO Box 5", None),
        ("postal5", "02134-1234", "02134"),
        ("postal5", "2134", "02134"),
        ("postal5", "021341234", "02134"),
        ("postal5", "12345", "12345"),
        ("postal5", "1234567890", None),
        # phones: formatting, leading 1, extensions
        ("phone", "(617) 555-0101", "6175550101"),
        ("phone", "1-617-555-0199 x23", "6175550199"),
        ("phone", "617.555.0199 ext. 4", "6175550199"),
        ("phone", "+1 617 555 0199", "6175550199"),
        ("phone", "555-0199", None),
        ("phone", "000-000-0000", None),
        # emails
        ("email", " Bob@ACME.com ", "bob@acme.com"),
        ("email", "mailto:x@gmail.com", "x@gmail.com"),
        ("email", "not an email", None),
        ("email_domain", "ap@Acme.com", "acme.com"),
        ("email_domain", "joe@gmail.com", None),
        # document numbers: prefixes, punctuation, leading zeros
        ("doc_number", "ST-10422", "10422"),
        ("doc_number", "10422", "10422"),
        ("doc_number", "INV-00123", "123"),
        ("doc_number", "0042", "42"),
        ("doc_number", "10422-A", "10422A"),
        ("doc_number", "--", None),
        ("first_token", "summit mechanical", "summit"),
        ("sort_tokens", "mechanical summit", "mechanical summit"),
        ("sort_tokens", "summit mechanical", "mechanical summit"),
        ("prefix:4", "summit", "summ"),
        ("digits", "a1b2", "12"),
        ("upper", " e12 ", "E12"),
        ("trim", "  x ", "x"),
        ("text", "Joe's  Pizza & Subs!", "joes pizza and subs"),
        ("place_name", "St. Louis", "saint louis"),
        ("place_name", "MT VERNON", "mount vernon"),
        ("reference_id", "pxs:servicetrade:customer:ST100", "ST100"),
        ("reference_id", "ST100", None),
    ],
)
def test_normaliser(normalizer: str, raw: str | None, expected: str | None) -> None:
    assert _run(normalizer, raw) == expected


def test_typed_normalisers_are_exact_integers() -> None:
    frame = pl.DataFrame(
        {"total": [Decimal("1200.50"), Decimal("0.10")], "day": [dt.date(1970, 1, 2)] * 2},
        schema={"total": pl.Decimal(12, 2), "day": pl.Date},
    )
    out = frame.select(
        n.resolve("cents")(pl.col("total")).alias("c"), n.resolve("days")(pl.col("day")).alias("d")
    )
    assert out["c"].to_list() == [120050, 10]
    assert out["c"].dtype == pl.Int64
    assert out["d"].to_list() == [1, 1]


@pytest.mark.parametrize("bad", ["nope", "prefix:", "prefix:x", "prefix:0"])
def test_unknown_or_bad_normaliser_is_refused(bad: str) -> None:
    with pytest.raises((KeyError, ValueError)):
        n.resolve(bad)
