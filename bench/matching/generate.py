"""A seeded generator of contractor customers as a field system and an ERP hold them.

Each generated *entity* is one real-world customer: a business of some trade or
industry, one site of a multi-site chain, or a homeowner. Some appear in both
systems, some in one; a few are keyed twice into one system. Each copy is
spelled the way people key records: legal suffixes, "&"/"and", trade
abbreviations, "Last, First", USPS abbreviations, units moved between lines,
ZIP+4, phone formats, missing values and typos.

Hard negatives are built in: sibling companies at one address sharing a phone
("Kim Plumbing" / "Kim Electric"), numbered chain sites sharing the corporate
phone and email ("Burger Barn #12" / "#15"), and common homeowner names at
different addresses.

The ``entity`` column is the ground truth; it is not part of the canonical
columns and the matchers never see it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.matching import vocab as V


@dataclass
class Customer:
    """One real-world customer before any system spells it."""

    entity: str
    kind: str  # business | chain | homeowner
    name: str
    house: str
    street: str
    street_suffix: str
    unit: str | None
    city: str
    state: str
    zip5: str
    phone: str | None
    email: str | None


def _phone(rng: random.Random) -> str:
    return f"{rng.randint(201, 989)}{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"


def _address(rng: random.Random) -> tuple[str, str, str, str | None, str, str, str]:
    city, state, zip_base = rng.choice(V.CITIES)
    house = str(rng.choice([rng.randint(1, 99), rng.randint(100, 999), rng.randint(1000, 29999)]))
    street = rng.choice(V.STREETS)
    if rng.random() < 0.15:
        street = f"{rng.choice(['North', 'South', 'East', 'West'])} {street}"
    suffix = rng.choice(list(V.STREET_SUFFIXES))
    unit = (
        f"{rng.choice(['Suite', 'Unit', 'Apt'])} {rng.randint(1, 450)}"
        if rng.random() < 0.2
        else None
    )
    zip5 = f"{zip_base + rng.randint(0, 40):05d}"
    return house, street, suffix, unit, city, state, zip5


def _business_name(rng: random.Random) -> tuple[str, str]:
    """A business name and its email domain stem."""
    pattern = rng.random()
    if pattern < 0.4:
        base = f"{rng.choice(V.LAST_NAMES)} {rng.choice(V.TRADES)}"
    elif pattern < 0.7:
        base = f"{rng.choice(V.PLACES)} {rng.choice(V.INDUSTRIES)}"
    elif pattern < 0.85:
        base = f"{rng.choice(V.LAST_NAMES)} & {rng.choice(V.LAST_NAMES)} {rng.choice(V.INDUSTRIES)}"
    else:
        base = f"{rng.choice(V.PLACES)} {rng.choice(V.PLACES)} {rng.choice(V.TRADES)}"
    suffix = rng.choice(V.LEGAL_SUFFIXES)
    name = f"{base} {suffix}".strip() if suffix else base
    stem = "".join(ch for ch in base.lower() if ch.isalnum())[:18]
    return name, stem


def entities(n: int, rng: random.Random) -> list[Customer]:
    """About ``n`` distinct real-world customers with the hard negatives built in."""
    out: list[Customer] = []
    # A brand's site numbers are unique across its chain, however often it is drawn.
    free_sites: dict[str, list[int]] = {}
    taken: set[str] = set()
    corporate: dict[str, tuple[str | None, str, bool]] = {}

    def domain_of(stem: str, city: str) -> str:
        # A domain belongs to one company: a namesake elsewhere gets its own.
        domain = f"{stem}.com"
        if domain in taken:
            domain = f"{stem}{city.lower().replace(' ', '')[:6]}{rng.randint(1, 99)}.com"
        taken.add(domain)
        return domain

    while len(out) < n:
        roll = rng.random()
        eid = f"E{len(out):07d}"
        if roll < 0.40:  # homeowner
            first, last = rng.choice(V.FIRST_NAMES), rng.choice(V.LAST_NAMES)
            middle = f" {rng.choice('ABCDEFGHJKLMNPRSTW')}." if rng.random() < 0.15 else ""
            house, street, suf, unit, city, state, z = _address(rng)
            mail = (
                f"{first[0].lower()}{last.lower()}{rng.randint(1, 99)}@{rng.choice(V.FREE_MAIL)}"
                if rng.random() < 0.7
                else None
            )
            out.append(
                Customer(
                    eid,
                    "homeowner",
                    f"{first}{middle} {last}",
                    house,
                    street,
                    suf,
                    unit,
                    city,
                    state,
                    z,
                    _phone(rng),
                    mail,
                )
            )
        elif roll < 0.52:  # a chain: several numbered sites sharing corporate contacts
            brand = (
                rng.choice(V.CHAINS)
                if rng.random() < 0.3
                else f"{rng.choice(V.PLACES)} {rng.choice(V.CHAIN_TYPES)}"
            )
            if brand not in free_sites:  # a brand drawn again is the same chain
                free_sites[brand] = rng.sample(range(1, 2000), 1999)
                corporate[brand] = (
                    _phone(rng) if rng.random() < 0.6 else None,
                    domain_of("".join(c for c in brand.lower() if c.isalnum()), brand),
                    rng.random() < 0.7,
                )
            corporate_phone, domain, shared_mail = corporate[brand]
            corporate_email = f"ap@{domain}" if shared_mail else None
            count = min(rng.randint(2, 12), len(free_sites[brand]))
            for site in [free_sites[brand].pop() for _ in range(count)]:
                house, street, suf, unit, city, state, z = _address(rng)
                name = f"{brand} #{site}" if rng.random() < 0.8 else f"{brand} Store {site}"
                out.append(
                    Customer(
                        f"E{len(out):07d}",
                        "chain",
                        name,
                        house,
                        street,
                        suf,
                        None,
                        city,
                        state,
                        z,
                        corporate_phone or _phone(rng),
                        corporate_email or f"store{site}@{domain}",
                    )
                )
        elif roll < 0.58:  # sibling companies at one address
            last = rng.choice(V.LAST_NAMES)
            house, street, suf, unit, city, state, z = _address(rng)
            shared = _phone(rng)
            trades = rng.sample(V.SIBLING_TRADES, rng.randint(2, 3))
            for trade in trades:
                suffix = rng.choice(V.LEGAL_SUFFIXES)
                name = f"{last} {trade} {suffix}".strip()
                phone = shared if rng.random() < 0.5 else _phone(rng)
                stem = "".join(c for c in f"{last}{trade}".lower() if c.isalnum())
                out.append(
                    Customer(
                        f"E{len(out):07d}",
                        "business",
                        name,
                        house,
                        street,
                        suf,
                        unit,
                        city,
                        state,
                        z,
                        phone,
                        f"office@{domain_of(stem, city)}",
                    )
                )
        else:
            name, stem = _business_name(rng)
            house, street, suf, unit, city, state, z = _address(rng)
            mail = f"{rng.choice(['ap', 'billing', 'office', 'info'])}@{domain_of(stem, city)}"
            out.append(
                Customer(
                    eid,
                    "business",
                    name,
                    house,
                    street,
                    suf,
                    unit,
                    city,
                    state,
                    z,
                    _phone(rng),
                    mail if rng.random() < 0.8 else None,
                )
            )
    return out[:n]
