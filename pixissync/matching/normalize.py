"""Normalisers: Polars expressions that bring two systems' spellings together.

Each normaliser takes an expression over a String column and returns one; they
run over whole columns (no Python per row), so 100k rows take milliseconds.
Rule files name them, in order, under ``fields.<name>.normalize``. Empty results
become null so that "missing" is one thing everywhere.

Parametrised normalisers are written ``name:arg`` (``prefix:4``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from pixissync.matching.words import (
    BUSINESS_WORDS,
    FREE_MAIL,
    LEGAL_FORMS,
    LEGAL_PHRASES,
    NICKNAMES,
    PERSON_TITLES,
    PLACE_WORDS,
    STREET_WORDS,
    TRADE_TERMS,
    TRADE_WORDS,
)

Normalizer = Callable[[pl.Expr], pl.Expr]


def _null_if_empty(expr: pl.Expr) -> pl.Expr:
    # ``replace`` refers to ``expr`` once; a when/then would evaluate the chain twice.
    return expr.replace("", None)


def _squash(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"\s+", " ").str.strip_chars()


def _map_words(expr: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    """Replace whole words through a mapping (vectorised: split, replace, join)."""
    return expr.str.split(" ").list.eval(pl.element().replace(mapping)).list.join(" ").pipe(_squash)


def text(expr: pl.Expr) -> pl.Expr:
    """Lower case, "&"/"+" as "and", dots and apostrophes dropped, other punctuation as space."""
    out = expr.str.to_lowercase().str.replace_all(r"\s*[&+]\s*", " and ")
    out = out.str.replace_all(r"[.'’`]", "").str.replace_all(r"[^a-z0-9#/ ]+", " ")
    return _null_if_empty(_squash(out))


def person_order(expr: pl.Expr) -> pl.Expr:
    """ "Smith, John" -> "John Smith"; a comma before a legal form ("Summit, LLC") is kept."""
    legal = "|".join(sorted(LEGAL_FORMS, key=len, reverse=True))
    flip = expr.str.contains(r"^[^,]+,[^,]+$") & ~expr.str.to_lowercase().str.contains(
        rf",\s*(the\s+)?({legal}|l\.\s*l\.\s*c\.?|l\.\s*p\.?|inc\.?)\s*\.?\s*$"
    )
    flipped = expr.str.replace(r"^\s*([^,]+?)\s*,\s*([^,]+?)\s*$", "${2} ${1}")
    return pl.when(flip).then(flipped).otherwise(expr)


def company_name(expr: pl.Expr) -> pl.Expr:
    """A business or person name in one spelling: legal forms and trade words unified."""
    out = text(person_order(expr))
    for pattern, repl in LEGAL_PHRASES:
        out = out.str.replace_all(pattern, repl)
    out = out.str.replace_all(r"#", " ").str.replace_all(r"/", " ")
    out = _map_words(_squash(out), {**NICKNAMES, **TRADE_WORDS, **LEGAL_FORMS})
    out = out.str.replace(r"^the ", "")
    titles = "|".join(PERSON_TITLES)
    out = out.str.replace_all(rf"(^| )({titles})( |$)", " ")
    return _null_if_empty(_squash(out))


def company_core(expr: pl.Expr) -> pl.Expr:
    """The company name without legal forms and without "and": what people say."""
    return drop_legal_form(company_name(expr))


def drop_legal_form(expr: pl.Expr) -> pl.Expr:
    """Remove legal forms and "and" from a ``company_name`` result."""
    out = expr
    forms = "|".join(sorted(set(LEGAL_FORMS.values()), key=len, reverse=True))
    out = out.str.replace_all(rf"(^| )({forms})(?: ({forms}))*( |$)", " ")
    out = out.str.replace_all(r"(^| )and( |$)", " ")
    return _null_if_empty(_squash(out))


def trade_words(expr: pl.Expr) -> pl.Expr:
    """The trade words in a normalised company name, sorted ("kim electric" -> "electric")."""
    pattern = r"\b(" + "|".join(sorted(TRADE_TERMS, key=len, reverse=True)) + r")\b"
    found = expr.str.extract_all(pattern).list.unique().list.sort().list.join(" ")
    return _null_if_empty(found)


def place_name(expr: pl.Expr) -> pl.Expr:
    """A city name: ``text`` plus "St."/"Mt."/"Ft." spelled out ("St. Louis" = "Saint Louis")."""
    return _null_if_empty(_map_words(text(expr), PLACE_WORDS))


def name_numbers(expr: pl.Expr) -> pl.Expr:
    """The numbers inside a name, leading zeros dropped ("Burger Barn #012" -> "12")."""
    numbers = expr.str.extract_all(r"\d+").list.eval(pl.element().str.replace(r"^0+(\d)", "${1}"))
    return _null_if_empty(numbers.list.join(" "))


_GLUED_TYPES: Final = (
    "street|avenue|road|place|drive|court|crescent|circuit|close|lane|terrace|parade|"
    "highway|boulevard"
)


def street_address(expr: pl.Expr) -> pl.Expr:
    """A street line (address1 and address2 joined) with USPS abbreviations, unit kept."""
    out = expr.str.to_lowercase().str.replace_all(r"[.,']", " ")
    out = out.str.replace_all(r"\bp\s*o\s+box\b", "po box")
    out = out.str.replace_all(r"#", " # ").str.replace_all(r"[^a-z0-9# -]+", " ")
    # A street type typed without its space: "woodgatestreet" -> "woodgate street".
    out = out.str.replace_all(rf"\b([a-z]{{3,}}?)({_GLUED_TYPES})\b", "${1} ${2}")
    out = _map_words(_squash(out), STREET_WORDS)
    # "# 200" -> "#200" so the unit is one token; a lone "#" before nothing is noise.
    out = out.str.replace_all(r"#(?: #)*\s*([a-z0-9-]+)", "#${1}").str.replace_all(r"\s#$", "")
    return _null_if_empty(_squash(out))


def street_line(expr: pl.Expr) -> pl.Expr:
    """The street part of an address, without its unit (units move between lines)."""
    out = street_address(expr).str.replace_all(r"(^| )#[a-z0-9-]+", " ")
    return _null_if_empty(_squash(out))


def unit(expr: pl.Expr) -> pl.Expr:
    """The unit of an address ("Suite 200", "Ste. 200", "#200" -> "200")."""
    return street_address(expr).str.extract(r"(?:^| )#([a-z0-9-]+)", 1).str.replace(r"^0+", "")


def house_number(expr: pl.Expr) -> pl.Expr:
    """The leading house number of a street line ("1200-B Main St" -> "1200")."""
    return street_line(expr).str.extract(r"^(\d+)", 1)


def postal5(expr: pl.Expr) -> pl.Expr:
    """The 5-digit ZIP; ZIP+4 cut, leading zeros lost by spreadsheets restored."""
    digits = expr.str.replace_all(r"[^0-9]", "")
    size = digits.str.len_chars()
    five = (
        pl.when(size.is_in([5, 9]))
        .then(digits.str.slice(0, 5))
        .when(size.is_in([3, 4]))
        .then(digits.str.zfill(5))
        # 7 or 8 digits: a ZIP+4 that lost its leading zeros.
        .when(size.is_in([7, 8]))
        .then(digits.str.zfill(9).str.slice(0, 5))
        .otherwise(None)
    )
    return five


def phone(expr: pl.Expr) -> pl.Expr:
    """Ten NANP digits: formatting, a leading 1 and extensions removed; else null."""
    out = expr.str.to_lowercase().str.replace(r"\s*(?:x|ext|extension|#)\.?\s*\d{1,6}\s*$", "")
    digits = out.str.replace_all(r"[^0-9]", "").str.replace(r"^1(\d{10})$", "${1}")
    # A real area code never starts with 0 or 1; 222-222-2222 style is junk.
    ten = digits.str.extract(r"^([2-9]\d{9})$", 1)
    return ten.replace([str(d) * 10 for d in range(2, 10)], None)


def email(expr: pl.Expr) -> pl.Expr:
    """An email address in lower case, without "mailto:"; null unless it has one "@"."""
    out = expr.str.strip_chars().str.to_lowercase().str.replace(r"^mailto:", "")
    out = out.str.replace_all(r"\s+", "")
    return pl.when(out.str.contains(r"^[^@]+@[^@]+\.[a-z]{2,}$")).then(out).otherwise(None)


def email_domain(expr: pl.Expr) -> pl.Expr:
    """The company domain of an email; free-mail domains say nothing and become null."""
    domain = email(expr).str.extract(r"@(.+)$", 1)
    return pl.when(domain.is_in(list(FREE_MAIL))).then(None).otherwise(domain)


def doc_number(expr: pl.Expr) -> pl.Expr:
    """A document number: letter prefixes ("ST-", "INV"), punctuation, leading zeros gone."""
    out = expr.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
    out = out.str.replace(r"^[A-Z]+(\d)", "${1}").str.replace(r"^0+(\w)", "${1}")
    return _null_if_empty(out)


def first_token(expr: pl.Expr) -> pl.Expr:
    """The first word."""
    return expr.str.extract(r"^(\S+)", 1)


def last_token(expr: pl.Expr) -> pl.Expr:
    """The last word."""
    return expr.str.extract(r"(\S+)$", 1)


def _business_vocabulary() -> tuple[frozenset[str], list[str]]:
    """Single words of legal forms, trades and business words: all, and those of 5+ letters."""
    terms = {*LEGAL_FORMS, *LEGAL_FORMS.values(), *TRADE_TERMS, *TRADE_WORDS.values()}
    words = {w for term in (*terms, *BUSINESS_WORDS) for w in term.split(" ")} | {"and"}
    return frozenset(words), sorted(w for w in words if len(w) >= 5)


_BUSINESS_ALL, _BUSINESS_LONG = _business_vocabulary()
# A word of 5+ letters this close (rapidfuzz ratio) to a business word counts as one:
# "landscapingg", "mechaniccal", "climited" are typed business words, not surnames.
_BUSINESS_LIKE = 88


def _typed_business_words(words: list[str]) -> dict[str, str]:
    """Each word of 5+ letters that is a typo of a business word -> that word.

    A typo is a rapidfuzz ratio of 88+ to a business word, or for words of 6+
    letters one edit (OSA: a swap counts once) from one of 7+ letters
    ("rofoing" -> "roofing"); shorter words are left alone, so surnames such as
    Holmes or Stone are not taken for "homes" or "store".
    """
    long = [w for w in words if len(w) >= 5 and w not in _BUSINESS_ALL]
    if not long:
        return {}
    # One C call over distinct words x vocabulary: cheap even for 100k names.
    scores = process.cdist(long, _BUSINESS_LONG, scorer=fuzz.ratio, dtype=np.uint8, workers=-1)
    edits = process.cdist(
        long, _BUSINESS_LONG, scorer=OSA.distance, score_cutoff=2, dtype=np.uint8, workers=-1
    )
    sized = (
        np.array([len(w) >= 7 for w in _BUSINESS_LONG])[None, :]
        & (np.array([len(w) >= 6 for w in long])[:, None])
    )
    edits = np.where(sized, edits, 9)
    fixes: dict[str, str] = {}
    for i, word in enumerate(long):
        if edits[i].min() <= 1:
            fixes[word] = _BUSINESS_LONG[int(edits[i].argmin())]
        elif scores[i].max() >= _BUSINESS_LIKE:
            fixes[word] = _BUSINESS_LONG[int(scores[i].argmax())]
    return fixes


def _distinct_words(names: pl.Series) -> list[str]:
    return names.str.split(" ").explode().unique().drop_nulls().to_list()


def _keep_persons(names: pl.Series) -> pl.Series:
    shaped = names.str.contains(r"^[a-z]+( [a-z]+){1,3}$").fill_null(False)
    words = _distinct_words(names.filter(shaped))
    flagged = (set(words) & _BUSINESS_ALL) | set(_typed_business_words(words))
    business = names.str.split(" ").list.eval(pl.element().is_in(sorted(flagged))).list.any()
    keep = shaped & ~business.fill_null(True)
    return pl.select(pl.when(keep).then(names).otherwise(None)).to_series().alias(names.name)


def _fix_business_typos(names: pl.Series) -> pl.Series:
    fixes = _typed_business_words(_distinct_words(names))
    if not fixes:
        return names
    words = names.str.split(" ").list.eval(pl.element().replace(fixes))
    return words.list.join(" ").alias(names.name)


def business_typos(expr: pl.Expr) -> pl.Expr:
    """Words of a normalised name that are typos of trade or business words, corrected.

    "clarke landcaping" -> "clarke landscaping", "cummings fire protetcion" ->
    "cummings fire protection", so ``trade_words`` still sees the trade.
    """
    return expr.map_batches(_fix_business_typos, return_dtype=pl.String)


def person_name(expr: pl.Expr) -> pl.Expr:
    """A ``company_name`` result kept only if it reads as a person's name, else null.

    Two to four words of letters, none a legal form, trade, business word or "and",
    nor a typo of one: "michaela neumann" stays; "kim plumbing", "acme holdings",
    "logan landscapingg" and "burger barn 12" become null. Person names may then be
    compared word by word (given name, surname) without letting "ABC Plumbing" /
    "ABC Electric" pass as one family.
    """
    return expr.map_batches(_keep_persons, return_dtype=pl.String)


def drop_house_number(expr: pl.Expr) -> pl.Expr:
    """A ``street_line`` without its leading house number ("12-b main st" -> "main st").

    The house number has its own comparison; leaving it in the street would count a
    house-number typo twice.
    """
    return _null_if_empty(_squash(expr.str.replace(r"^\d+[a-z]?(?:-[a-z0-9]+)?\b", "")))


def sort_tokens(expr: pl.Expr) -> pl.Expr:
    """Words in alphabetical order (word order stops mattering)."""
    return _null_if_empty(expr.str.split(" ").list.sort().list.join(" "))


def digits(expr: pl.Expr) -> pl.Expr:
    """Only the digits."""
    return _null_if_empty(expr.str.replace_all(r"[^0-9]", ""))


def upper(expr: pl.Expr) -> pl.Expr:
    """Trimmed upper case."""
    return _null_if_empty(expr.str.strip_chars().str.to_uppercase())


def trim(expr: pl.Expr) -> pl.Expr:
    """Surrounding blanks removed."""
    return _null_if_empty(expr.str.strip_chars())


def reference_id(expr: pl.Expr) -> pl.Expr:
    """The source id inside our stamped reference ``pxs:system:entity:ID`` (else null)."""
    return expr.str.extract(r"^pxs:[^:]+:[^:]+:(.+)$", 1)


def _prefix(arg: str) -> Normalizer:
    size = int(arg)
    if not 1 <= size <= 64:
        raise ValueError("prefix length must be between 1 and 64")
    return lambda expr: expr.str.slice(0, size)


NORMALIZERS: Final[dict[str, Normalizer]] = {
    "text": text,
    "person_order": person_order,
    "company_name": company_name,
    "company_core": company_core,
    "drop_legal_form": drop_legal_form,
    "name_numbers": name_numbers,
    "place_name": place_name,
    "trade_words": trade_words,
    "street_address": street_address,
    "street_line": street_line,
    "unit": unit,
    "house_number": house_number,
    "postal5": postal5,
    "phone": phone,
    "email": email,
    "email_domain": email_domain,
    "doc_number": doc_number,
    "first_token": first_token,
    "last_token": last_token,
    "person_name": person_name,
    "business_typos": business_typos,
    "drop_house_number": drop_house_number,
    "sort_tokens": sort_tokens,
    "digits": digits,
    "upper": upper,
    "trim": trim,
    "reference_id": reference_id,
}
PARAMETRISED: Final[dict[str, Callable[[str], Normalizer]]] = {"prefix": _prefix}

# Normalisers for non-string columns: they turn a typed column into a comparable number.
TYPED: Final[dict[str, Callable[[pl.Expr], pl.Expr]]] = {
    "cents": lambda e: (e.cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64),
    "days": lambda e: e.cast(pl.Date).cast(pl.Int64),
    "hundredths": lambda e: (e.cast(pl.Decimal(38, 2)) * 100).cast(pl.Int64),
}


def resolve(name: str) -> Normalizer:
    """The normaliser called ``name`` (``prefix:4`` style for parametrised ones).

    Raises:
        KeyError: unknown name. ValueError: bad argument.
    """
    if name in NORMALIZERS:
        return NORMALIZERS[name]
    if name in TYPED:
        return TYPED[name]
    base, _, arg = name.partition(":")
    if base in PARAMETRISED and arg:
        return PARAMETRISED[base](arg)
    raise KeyError(name)


def known_names() -> list[str]:
    """Every normaliser name a rule file may use."""
    return sorted([*NORMALIZERS, *TYPED, *(f"{p}:N" for p in PARAMETRISED)])
