"""Plant the mess real data has into the clean sample company, and list it.

Each planter either adds records to one side only (a customer only in the field
system) or overrides one side's view of an existing record (the ERP spells a
name differently). Every planted item is recorded with
:meth:`Company.plant`, using the ids each side's connector reports: the field
export's ids, and for the ERP the Sage record number (``recnum``) as a string —
for payments ``"<clnnum>:<chknum>"`` because Sage keeps payments per invoice.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from pixissync.sandbox import sample_names as names
from pixissync.sandbox.sample_build import PERIOD_END, PERIOD_START, moment, scaled
from pixissync.sandbox.sample_model import Company, Customer, Employee, Invoice, Job, TimeEntry

LOCKED_BEFORE = date(2026, 8, 1)  # periods 1-7 of 2026 are closed in the ERP


def _respell(rng: random.Random, name: str) -> tuple[str, str]:
    """Spell a customer name the way a different clerk would have typed it."""
    options: list[tuple[str, Callable[[str], str]]] = [
        ("ampersand_and", lambda n: n.replace(" & ", " and ") if " & " in n else n + " Co"),
        ("upper_case", str.upper),
        ("suffix_changed", _swap_suffix),
        ("abbreviated", _abbreviate),
        ("typo", lambda n: _typo(rng, n)),
    ]
    how, change = rng.choice(options)
    changed = change(name)
    if how == "ampersand_and" and " & " not in name:
        how = "suffix_changed"
    if changed == name:
        how, changed = "typo", _typo(rng, name)
    return how, changed


def _swap_suffix(name: str) -> str:
    for old, new in (
        (" Inc.", ", LLC"),
        (" Inc", ", Inc."),
        (" LLC", " L.L.C."),
        (" Co.", " Company"),
    ):
        if name.endswith(old):
            return name[: -len(old)] + new
    return name + " Inc"


def _abbreviate(name: str) -> str:
    for long, short in (
        ("Medical Center", "Med Ctr"), ("Property Management", "Prop Mgmt"),
        ("Development Group", "Dev Grp"), ("Business Center", "Bus Ctr"),
        ("Construction", "Constr"), ("Manufacturing", "Mfg"), ("Company", "Co"),
        ("Investments", "Invest"), ("Holdings", "Hldgs"), ("Apartments", "Apts"),
        ("Church", "Ch"), ("Center", "Ctr"), ("Group", "Grp"),
    ):  # fmt: skip
        if long in name:
            return name.replace(long, short, 1)
    return name


def _typo(rng: random.Random, name: str) -> str:
    letters = [i for i in range(1, len(name) - 1) if name[i].isalpha() and name[i + 1].isalpha()]
    i = rng.choice(letters)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swapped letters
    return name[:i] + name[i + 1 :]  # a dropped letter


def plant_customers(company: Company, rng: random.Random) -> None:
    """Spelling differences, ERP duplicates, customers only in the field system."""
    pool = list(range(len(company.customers)))
    rng.shuffle(pool)
    for ix in pool[: scaled(30, company.scale, 3)]:
        customer = company.customers[ix]
        how, spelled = _respell(rng, customer.name)
        customer.erp_name = spelled
        if rng.random() < 0.3:
            customer.erp_address1 = customer.address1.replace(" Rd", " Road").replace(
                " St", " Street"
            )
        company.plant(
            "customer_spelled_differently", "customer",
            field_id=customer.fid, erp_id=str(customer.recnum),
            field_name=customer.name, erp_name=spelled, how=how,
        )  # fmt: skip
    next_recnum = len(company.customers) + 1
    for ix in pool[scaled(30, company.scale, 3) :][: scaled(10, company.scale, 2)]:
        customer = company.customers[ix]
        group = [str(customer.recnum)]
        for _ in range(rng.choice((1, 1, 2))):
            how, spelled = _respell(rng, customer.name)
            twin = Customer(**{**customer.__dict__, "recnum": next_recnum, "erp_name": spelled})
            twin.phone = customer.phone.replace("(", "").replace(") ", "-")
            twin.created = moment(rng, date(2024, 1, 1), date(2026, 7, 31))
            company.erp_duplicates.append((ix, twin))
            group.append(str(next_recnum))
            next_recnum += 1
        company.plant(
            "erp_duplicate_customer", "customer",
            field_id=customer.fid, erp_ids=group, name=customer.name,
        )  # fmt: skip
    _field_only_customers(company, rng)


def _field_only_customers(company: Company, rng: random.Random) -> None:
    base = len(company.customers)
    count = scaled(20, company.scale, 2)
    taken = {c.name for c in company.customers}  # new means new: no name the ERP knows
    for k in range(count + 2):
        template = company.customers[rng.randrange(base)]
        name = names.company_name(rng)
        while name in taken:
            name = names.company_name(rng)
        taken.add(name)
        too_long = k >= count
        if too_long:  # longer than Sage's 50-character client name
            place = f"{rng.choice(names.PLACES)} {rng.choice(names.FACILITIES)}"
            name = f"{place} Facilities and Grounds Department"
        customer = Customer(
            **{
                **template.__dict__,
                "fid": f"C{100001 + len(company.customers)}",
                "recnum": None,
                "name": name,
                "address1": names.street_address(rng),
                "email": f"office@{names.slug(name)[:16]}.example",
                "phone": f"(704) 555-{rng.randint(0, 9999):04d}",
                "status": "active",
                "created": moment(rng, date(2026, 8, 1), PERIOD_END),
                "updated": moment(rng, date(2026, 10, 1), PERIOD_END),
                "erp_name": None,
                "erp_address1": None,
            }
        )
        company.customers.append(customer)
        if too_long:
            company.plant(
                "field_value_too_long", "customer", field_id=customer.fid, erp_id=None,
                field="name", length=len(name), limit=50,
            )  # fmt: skip
        else:
            company.plant("customer_only_in_field", "customer", field_id=customer.fid, erp_id=None)
        _add_field_job(company, rng, len(company.customers) - 1, "customer_only_in_field")


def _add_field_job(company: Company, rng: random.Random, cust: int, why: str) -> None:
    template = company.jobs[rng.randrange(len(company.jobs))]
    customer = company.customers[cust]
    trade, kind = rng.choice(names.JOB_KINDS)
    start = PERIOD_END - timedelta(days=rng.randint(0, 30))
    job = Job(
        **{
            **template.__dict__,
            "fid": f"J{200001 + len(company.jobs)}",
            "number": max(j.number for j in company.jobs) + 1,
            "name": f"{customer.name.split(' Inc')[0][:28]} - {kind}"[:50],
            "customer": cust,
            "address1": customer.address1,
            "city": customer.city,
            "state": customer.state,
            "postal_code": customer.postal_code,
            "status": "current",
            "trade": trade,
            "start": start,
            "created": moment(rng, start - timedelta(days=5), start),
            "updated": moment(rng, start, PERIOD_END),
            "in_erp": False,
        }
    )
    company.jobs.append(job)
    company.plant("job_only_in_field", "job", field_id=job.fid, erp_id=None, reason=why)


def plant_jobs(company: Company, rng: random.Random) -> None:
    """New jobs for existing customers that the ERP has not seen yet."""
    linked = [i for i, c in enumerate(company.customers) if c.recnum is not None]
    for _ in range(scaled(25, company.scale, 2)):
        _add_field_job(company, rng, rng.choice(linked), "new_job")


def plant_invoices(company: Company, rng: random.Random) -> None:
    """ST prefixes, amount and date differences, posted invoices, field-only invoices."""
    paid = {ix for p in company.payments for ix, _ in p.applications}
    for invoice in company.invoices:
        invoice.posted = invoice.invoice_date < LOCKED_BEFORE
    unpaid_open = [
        i for i, inv in enumerate(company.invoices)
        if i not in paid and not inv.posted and inv.invoice_date >= PERIOD_START + timedelta(days=9)
    ]  # fmt: skip
    rng.shuffle(unpaid_open)
    take = _taker(unpaid_open)
    for ix in take(scaled(25, company.scale, 2)):
        inv = company.invoices[ix]
        lines = [line.__class__(**line.__dict__) for line in inv.lines]
        bump = Decimal(rng.choice((25, 40, 75, 120, 250, 480)))
        lines[0].unit_price += bump / lines[0].quantity if lines[0].quantity else bump
        lines[0].unit_price = lines[0].unit_price.quantize(Decimal("0.0001"))
        lines[0].amount += bump
        inv.field_lines = lines
        company.plant(
            "invoice_amount_difference", "invoice", field_id=inv.fid, erp_id=str(inv.recnum),
            field_total=str(inv.total(lines)), erp_total=str(inv.total()),
        )  # fmt: skip
    for ix in take(scaled(20, company.scale, 2)):
        inv = company.invoices[ix]
        inv.field_date = inv.invoice_date + timedelta(days=rng.choice((-3, -2, -1, 1, 2, 5)))
        company.plant(
            "invoice_date_difference", "invoice", field_id=inv.fid, erp_id=str(inv.recnum),
            field_date=inv.field_date.isoformat(), erp_date=inv.invoice_date.isoformat(),
        )  # fmt: skip
    for ix in take(scaled(30, company.scale, 2)):
        inv = company.invoices[ix]
        inv.field_number = f"ST-{inv.number}"
        company.plant(
            "invoice_st_prefix", "invoice", field_id=inv.fid, erp_id=str(inv.recnum),
            field_number=inv.field_number, erp_number=inv.number,
        )  # fmt: skip
    posted = [i for i, inv in enumerate(company.invoices) if inv.posted and i not in paid]
    rng.shuffle(posted)
    for ix in posted[: scaled(15, company.scale, 2)]:
        inv = company.invoices[ix]
        lines = [line.__class__(**line.__dict__) for line in inv.lines]
        lines[-1].quantity += 1
        lines[-1].amount = (lines[-1].quantity * lines[-1].unit_price).quantize(Decimal("0.01"))
        inv.field_lines = lines
        company.plant(
            "invoice_posted_in_erp", "invoice", field_id=inv.fid, erp_id=str(inv.recnum),
            field_total=str(inv.total(lines)), erp_total=str(inv.total()),
            period=f"{inv.invoice_date.year}-{inv.invoice_date.month:02d}",
        )  # fmt: skip
    jobs = [i for i, j in enumerate(company.jobs) if j.in_erp and j.status == "current"]
    for _ in range(scaled(30, company.scale, 2)):
        template = company.invoices[rng.randrange(len(company.invoices))]
        when = PERIOD_END - timedelta(days=rng.randint(0, 14))
        inv = Invoice(
            fid=f"I{300001 + len(company.invoices)}",
            number=str(10001 + len(company.invoices)),
            job=rng.choice(jobs),
            invoice_date=when,
            due_date=when + timedelta(days=30),
            lines=[line.__class__(**line.__dict__) for line in template.lines],
            tax_rate=template.tax_rate,
            created=moment(rng, when, when),
            updated=moment(rng, when, when),
            in_erp=False,
        )
        company.invoices.append(inv)
        company.plant("invoice_only_in_field", "invoice", field_id=inv.fid, erp_id=None)


def _taker(pool: list[int]) -> Callable[[int], list[int]]:
    """Hand out disjoint slices of a shuffled pool."""
    state = {"at": 0}

    def take(n: int) -> list[int]:
        start = state["at"]
        state["at"] += n
        return pool[start : start + n]

    return take


def plant_payments(company: Company, rng: random.Random) -> None:
    """Payments the ERP received that the field system has not heard about."""
    recent = [i for i, p in enumerate(company.payments) if p.payment_date >= date(2026, 10, 1)]
    rng.shuffle(recent)
    for ix in sorted(recent[: scaled(30, company.scale, 2)]):
        payment = company.payments[ix]
        payment.in_field = False
        clnnum = company.customers[payment.customer].recnum
        company.plant(
            "payment_only_in_erp", "payment", field_id=None,
            erp_id=f"{clnnum}:{payment.check_number}", amount=str(payment.amount),
            invoice_ids=[str(company.invoices[i].recnum) for i, _ in payment.applications],
        )  # fmt: skip


def plant_time(company: Company, rng: random.Random) -> None:
    """Time on unknown cost codes and employees, and time the ERP has not received."""

    def extra(emp: int, code: str | None = None) -> TimeEntry:
        template = company.time_entries[rng.randrange(len(company.time_entries))]
        entry = TimeEntry(**{**template.__dict__, "employee": emp, "recnum": None, "in_erp": False})
        entry.fid = f"T{500001 + len(company.time_entries)}"
        entry.work_date = PERIOD_END - timedelta(days=rng.randint(0, 20))
        entry.updated = moment(
            rng, entry.work_date + timedelta(days=1), entry.work_date + timedelta(days=2)
        )
        if code is not None:
            entry.cost_code = code
        company.time_entries.append(entry)
        return entry

    workers = [i for i, e in enumerate(company.employees) if e.in_erp]
    unknown = [code for code, _, _, in_erp in company.cost_codes if not in_erp]
    for _ in range(scaled(25, company.scale, 2)):
        entry = extra(rng.choice(workers), rng.choice(unknown))
        company.plant(
            "time_entry_unknown_cost_code", "time_entry", field_id=entry.fid, erp_id=None,
            cost_code=entry.cost_code,
        )  # fmt: skip
    hires = []
    for k in range(3):
        template = company.employees[rng.randrange(len(company.employees))]
        hire = Employee(
            **{**template.__dict__, "recnum": 101 + len(company.employees), "in_erp": False}
        )
        hire.first_name, hire.last_name = names.FIRST_NAMES[k * 7], names.SURNAMES[k * 11 + 3]
        hire.created = moment(rng, date(2026, 10, 1), date(2026, 10, 15))
        company.employees.append(hire)
        hires.append(len(company.employees) - 1)
        company.plant("employee_only_in_field", "employee", field_id=str(hire.recnum), erp_id=None)
    for _ in range(scaled(20, company.scale, 2)):
        entry = extra(rng.choice(hires))
        company.plant(
            "time_entry_unknown_employee", "time_entry", field_id=entry.fid, erp_id=None,
            employee_id=str(company.employees[entry.employee].recnum),
        )  # fmt: skip
    for _ in range(scaled(40, company.scale, 2)):
        entry = extra(rng.choice(workers))
        company.plant("time_entry_only_in_field", "time_entry", field_id=entry.fid, erp_id=None)


# Rows that are wrong on purpose in the field export: (entity, id, column, value).
INVALID_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("customer", "C199901", "name", ""),
    ("job", "J299901", "updated_at", "yesterday"),
    ("invoice", "I399901", "invoice_date", "2026-09-31"),
    ("invoice", "I399902", "total", "1,2O4.50"),
    ("payment", "P499901", "amount", "n/a"),
    ("time_entry", "T599901", "regular_hours", "eight"),
    ("time_entry", "T599902", "work_date", "10/15/2026"),
    ("time_entry", "T599903", "regular_hours", "26.00"),
)


def plant_invalid_rows(company: Company) -> None:
    """Register the invalid rows; :mod:`sample_field` writes them after the good ones."""
    for entity, fid, column, value in INVALID_ROWS:
        company.invalid_rows.setdefault(entity, []).append({"id": fid, column: value})
        company.plant(
            "invalid_field_row", entity, field_id=fid, erp_id=None, field=column, value=value
        )
