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

import polars as pl

Normalizer = Callable[[pl.Expr], pl.Expr]

# Legal-form words, all spellings after dots are dropped ("L.L.C." -> "llc").
LEGAL_FORMS: Final[dict[str, str]] = {
    "incorporated": "inc",
    "inc": "inc",
    "corporation": "corp",
    "corp": "corp",
    "company": "co",
    "co": "co",
    "cos": "co",
    "limited": "ltd",
    "ltd": "ltd",
    "llc": "llc",
    "lc": "llc",
    "pllc": "pllc",
    "llp": "llp",
    "lp": "lp",
    "pc": "pc",
    "pa": "pa",
    "plc": "plc",
}
_LEGAL_PHRASES: Final[tuple[tuple[str, str], ...]] = (
    (r"\blimited liability company\b", " llc "),
    (r"\blimited liability co\b", " llc "),
    (r"\bl l c\b", " llc "),
    (r"\bl l p\b", " llp "),
    (r"\bp l l c\b", " pllc "),
)

# Trade and business abbreviations, to one spelling (the long one, as people read it).
TRADE_WORDS: Final[dict[str, str]] = {
    "mech": "mechanical",
    "mechl": "mechanical",
    "svc": "service",
    "svcs": "services",
    "srvc": "service",
    "srvcs": "services",
    "serv": "service",
    "servs": "services",
    "mgmt": "management",
    "mgt": "management",
    "prop": "property",
    "props": "properties",
    "ppty": "property",
    "htg": "heating",
    "plbg": "plumbing",
    "plmb": "plumbing",
    "plumb": "plumbing",
    "elec": "electric",
    "elect": "electric",
    "electrical": "electric",
    "const": "construction",
    "constr": "construction",
    "contr": "contractors",
    "contractor": "contractors",
    "bros": "brothers",
    "assoc": "associates",
    "assocs": "associates",
    "intl": "international",
    "natl": "national",
    "mfg": "manufacturing",
    "ent": "enterprises",
    "entps": "enterprises",
    "dev": "development",
    "devel": "development",
    "maint": "maintenance",
    "mtce": "maintenance",
    "ac": "air conditioning",
    "a/c": "air conditioning",
    "refrig": "refrigeration",
    "roofg": "roofing",
    "fac": "facilities",
    "hosp": "hospital",
    "univ": "university",
    "ctr": "center",
    "centre": "center",
    "grp": "group",
    "mt": "mount",
    "st": "saint",
    "ft": "fort",
    "and": "and",
}
# Common nicknames to the given name; "Bob Kelley" and "Kelley, Robert" are one person.
NICKNAMES: Final[dict[str, str]] = {
    "bob": "robert",
    "rob": "robert",
    "bill": "william",
    "will": "william",
    "jim": "james",
    "jimmy": "james",
    "joe": "joseph",
    "mike": "michael",
    "tom": "thomas",
    "dan": "daniel",
    "danny": "daniel",
    "chris": "christopher",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "kathy": "katherine",
    "kate": "katherine",
    "jen": "jennifer",
    "jenny": "jennifer",
    "tony": "anthony",
    "steve": "steven",
    "ed": "edward",
    "eddie": "edward",
    "rick": "richard",
    "dick": "richard",
    "dave": "david",
    "peggy": "margaret",
    "maggie": "margaret",
    "matt": "matthew",
    "andy": "andrew",
    "nick": "nicholas",
    "greg": "gregory",
    "sam": "samuel",
    "ben": "benjamin",
    "larry": "lawrence",
    "ron": "ronald",
    "don": "donald",
    "ken": "kenneth",
    "jeff": "jeffrey",
    "tim": "timothy",
    "sue": "susan",
    "debbie": "deborah",
    "cathy": "catherine",
}
_PERSON_TITLES: Final = ("mr", "mrs", "ms", "miss", "dr", "jr", "sr", "ii", "iii", "esq")

# USPS Publication 28 street suffixes, directionals and unit designators (common ones).
STREET_WORDS: Final[dict[str, str]] = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "aven": "ave",
    "boulevard": "blvd",
    "boul": "blvd",
    "road": "rd",
    "drive": "dr",
    "drv": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "parkway": "pkwy",
    "pkway": "pkwy",
    "highway": "hwy",
    "circle": "cir",
    "terrace": "ter",
    "square": "sq",
    "trail": "trl",
    "expressway": "expy",
    "freeway": "fwy",
    "turnpike": "tpke",
    "plaza": "plz",
    "point": "pt",
    "crossing": "xing",
    "center": "ctr",
    "centre": "ctr",
    "heights": "hts",
    "mount": "mt",
    "mountain": "mtn",
    "creek": "crk",
    "ridge": "rdg",
    "valley": "vly",
    "loop": "loop",
    "alley": "aly",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    # Unit designators all become "#": "Suite 200", "Ste 200" and "#200" are one unit.
    "suite": "#",
    "ste": "#",
    "apartment": "#",
    "apt": "#",
    "unit": "#",
    "room": "#",
    "rm": "#",
    "building": "bldg",
    "floor": "fl",
    "flr": "fl",
}


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
    for pattern, repl in _LEGAL_PHRASES:
        out = out.str.replace_all(pattern, repl)
    out = out.str.replace_all(r"#", " ").str.replace_all(r"/", " ")
    out = _map_words(_squash(out), {**NICKNAMES, **TRADE_WORDS, **LEGAL_FORMS})
    out = out.str.replace(r"^the ", "")
    titles = "|".join(_PERSON_TITLES)
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


# Words that say which trade a business is in, after ``company_name``; sibling companies
# at one address ("Kim Plumbing", "Kim Electric") differ only here.
TRADE_TERMS: Final[tuple[str, ...]] = (
    "plumbing",
    "electric",
    "hvac",
    "heating",
    "cooling",
    "air conditioning",
    "roofing",
    "mechanical",
    "painting",
    "landscaping",
    "lawn",
    "paving",
    "asphalt",
    "concrete",
    "masonry",
    "glass",
    "glazing",
    "sheet metal",
    "insulation",
    "drywall",
    "flooring",
    "carpet",
    "tile",
    "excavating",
    "excavation",
    "welding",
    "elevator",
    "fire protection",
    "sprinkler",
    "refrigeration",
    "construction",
    "builders",
    "carpentry",
    "cabinets",
    "fencing",
    "pools",
    "septic",
    "solar",
    "security",
    "alarm",
    "locksmith",
    "pest control",
    "cleaning",
    "janitorial",
    "restoration",
    "siding",
    "gutters",
    "windows",
    "doors",
    "controls",
    "automation",
    "steel",
    "demolition",
    "grading",
    "irrigation",
    "waterproofing",
    "plastering",
    "millwork",
    "signs",
)


def trade_words(expr: pl.Expr) -> pl.Expr:
    """The trade words in a normalised company name, sorted ("kim electric" -> "electric")."""
    pattern = r"\b(" + "|".join(sorted(TRADE_TERMS, key=len, reverse=True)) + r")\b"
    found = expr.str.extract_all(pattern).list.unique().list.sort().list.join(" ")
    return _null_if_empty(found)


def name_numbers(expr: pl.Expr) -> pl.Expr:
    """The numbers inside a name ("Burger Barn #12" -> "12"): chain sites differ here."""
    return _null_if_empty(expr.str.extract_all(r"\d+").list.join(" "))


def street_address(expr: pl.Expr) -> pl.Expr:
    """A street line (address1 and address2 joined) with USPS abbreviations, unit kept."""
    out = expr.str.to_lowercase().str.replace_all(r"[.,']", " ")
    out = out.str.replace_all(r"\bp\s*o\s+box\b", "po box")
    out = out.str.replace_all(r"#", " # ").str.replace_all(r"[^a-z0-9# -]+", " ")
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


FREE_MAIL: Final = (
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "aol.com",
    "icloud.com",
    "comcast.net",
    "msn.com",
    "live.com",
    "att.net",
    "verizon.net",
    "me.com",
)


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
