"""How a person keys one customer into a system: the variants the matcher must see through."""

from __future__ import annotations

import random
import re

import polars as pl

from bench.matching import vocab as V
from bench.matching.generate import Customer, entities


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:-1])
    op = rng.random()
    if op < 0.4 and i + 1 < len(text):  # swap two neighbours
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op < 0.7:  # drop one
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]  # double one


def _business(name: str, rng: random.Random, noise: float) -> str:
    words = name.split(" ")
    last = words[-1]
    if last in V.SUFFIX_VARIANTS and rng.random() < 0.6 * noise + 0.2:
        variant = rng.choice(V.SUFFIX_VARIANTS[last])
        base = " ".join(words[:-1])
        name = f"{base}{variant}" if variant.startswith(",") else f"{base} {variant}".strip()
    elif last not in V.SUFFIX_VARIANTS and rng.random() < 0.25 * noise:
        name = f"{name} {rng.choice(['LLC', 'Inc', 'Inc.', 'Co.'])}"
    if rng.random() < 0.5 * noise:
        name = name.replace(" & ", " and ") if " & " in name else name.replace(" and ", " & ")
    if rng.random() < 0.35 * noise:
        for full, short in V.ABBREVIATIONS.items():
            name = re.sub(rf"\b{full}\b", short + rng.choice(["", "."]), name)
    if rng.random() < 0.08 * noise:
        name = name[4:] if name.startswith("The ") else f"The {name}"
    if rng.random() < 0.15 * noise:
        name = name.upper()
    if rng.random() < 0.1 * noise:
        name = _typo(name, rng)
    return name


def _chain(name: str, rng: random.Random, noise: float) -> str:
    m = re.search(r"(?:#|Store )(\d+)$", name)
    if m and rng.random() < 0.4 * noise:
        brand = name[: m.start()].strip()
        fmt = rng.choice(["{b} #{n}", "{b} - #{n}", "{b} Store #{n}", "{b} {n}", "{b} No. {n}"])
        name = fmt.format(b=brand, n=m.group(1))
    if rng.random() < 0.15 * noise:
        name = name.upper()
    if rng.random() < 0.06 * noise:
        name = _typo(name, rng)
    return name


def _person(name: str, rng: random.Random, noise: float) -> str:
    parts = name.split(" ")
    first, last = parts[0], parts[-1]
    middle = parts[1:-1]
    if middle and rng.random() < 0.4 * noise:
        middle = []
    if first in V.NICKNAMES and rng.random() < 0.1 * noise:
        first = V.NICKNAMES[first]
    if rng.random() < 0.5 * noise:
        out = f"{last}, {' '.join([first, *middle])}"
    else:
        out = " ".join([first, *middle, last])
    if rng.random() < 0.15 * noise:
        out = out.upper()
    if rng.random() < 0.08 * noise:
        out = _typo(out, rng)
    return out


def _address(c: Customer, rng: random.Random, noise: float) -> tuple[str | None, str | None]:
    if rng.random() < 0.04 * noise:
        return None, None
    street = c.street
    if rng.random() < 0.5 * noise:
        for full, short in (("North", "N"), ("South", "S"), ("East", "E"), ("West", "W")):
            street = re.sub(rf"^{full}\b", short + rng.choice(["", "."]), street)
    if rng.random() < 0.05 * noise:
        street = _typo(street, rng)
    suffix = c.street_suffix
    if rng.random() < 0.6 * noise:
        suffix = V.STREET_SUFFIXES[suffix] + rng.choice(["", "."])
    line = f"{c.house} {street} {suffix}"
    if rng.random() < 0.2 * noise:
        line = line.upper()
    if c.unit is None:
        return line, None
    kind, number = c.unit.split(" ")
    unit = (
        rng.choice(
            [
                f"{kind} {number}",
                f"#{number}",
                f"Ste {number}" if kind == "Suite" else f"{kind} {number}",
                f"{ {'Suite': 'Ste.', 'Unit': 'Unit', 'Apt': 'Apt.'}[kind] } {number}",
            ]
        )
        if rng.random() < noise
        else c.unit
    )
    if rng.random() < 0.5:
        return line, unit
    return f"{line}{rng.choice([', ', ' '])}{unit}", None


def _phone(value: str | None, rng: random.Random, noise: float) -> str | None:
    if value is None or rng.random() < 0.12 * noise:
        return None
    if rng.random() < 0.06 * noise:
        value = f"{value[:3]}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"  # changed number
    a, b, c = value[:3], value[3:6], value[6:]
    fmt = rng.choice(
        [
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"{a}{b}{c}",
            f"1-{a}-{b}-{c}",
            f"+1 {a} {b} {c}",
        ]
    )
    if rng.random() < 0.05 * noise:
        fmt += rng.choice([" x12", " ext. 204", " x3"])
    return fmt


def _email(value: str | None, rng: random.Random, noise: float) -> str | None:
    if value is None or rng.random() < 0.2 * noise:
        return None
    if rng.random() < 0.05 * noise:
        domain = value.partition("@")[2]
        value = f"{rng.choice(['accounting', 'admin', 'jsmith', 'payables'])}@{domain}"
    return value.upper() if rng.random() < 0.1 * noise else value


def _zip(z: str, rng: random.Random, noise: float) -> str | None:
    roll = rng.random()
    if roll < 0.04 * noise:
        return None
    if roll < 0.3 * noise:
        return f"{z}-{rng.randint(0, 9999):04d}"
    if roll < 0.35 * noise and z.startswith("0"):
        return z.lstrip("0")  # spreadsheet ate the zero
    return z


def spell(c: Customer, record_id: str, rng: random.Random, noise: float) -> dict[str, str | None]:
    """One system's record of customer ``c`` (``noise`` 0..1 scales how messy)."""
    if c.kind == "homeowner":
        name = _person(c.name, rng, noise)
    elif c.kind == "chain":
        name = _chain(c.name, rng, noise)
    else:
        name = _business(c.name, rng, noise)
    address1, address2 = _address(c, rng, noise)
    return {
        "customer_id": record_id,
        "name": name,
        "address1": address1,
        "address2": address2,
        "city": None if rng.random() < 0.05 * noise else c.city,
        "state": c.state,
        "postal_code": _zip(c.zip5, rng, noise),
        "phone": _phone(c.phone, rng, noise),
        "email": _email(c.email, rng, noise),
        "entity": c.entity,
    }


def customers(n: int, seed: int = 7) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A field-system export and an ERP export of about ``n`` records each, with truth.

    About 70% of customers are in both systems, 15% in one only; ~3% of ERP
    customers and ~2% of field customers were keyed twice. The ``entity``
    column holds the ground truth.
    """
    rng = random.Random(seed)
    people = entities(int(n / 0.86), rng)
    left: list[dict[str, str | None]] = []
    right: list[dict[str, str | None]] = []
    for c in people:
        roll = rng.random()
        in_left, in_right = roll < 0.85, roll >= 0.15
        if in_left:
            left.append(spell(c, "", rng, 0.6))
            if rng.random() < 0.02:
                left.append(spell(c, "", rng, 1.0))
        if in_right:
            right.append(spell(c, "", rng, 1.0))
            if rng.random() < 0.03:
                right.append(spell(c, "", rng, 1.0))
    rng.shuffle(left)
    rng.shuffle(right)
    for i, rec in enumerate(left):
        rec["customer_id"] = f"ST{100000 + i}"
    for i, rec in enumerate(right):
        rec["customer_id"] = f"C{i:06d}"
    schema = {k: pl.String for k in left[0]}
    return pl.DataFrame(left, schema=schema), pl.DataFrame(right, schema=schema)
