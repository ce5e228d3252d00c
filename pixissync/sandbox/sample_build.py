"""Build the sample company's clean ground truth from a seed (no planted mess yet).

All randomness comes from one ``random.Random(seed)``; nothing iterates a set or
a hash-ordered container, so a seed always gives the same company.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from pixissync.sandbox import sample_names as names
from pixissync.sandbox.sample_model import (
    Company,
    Customer,
    Employee,
    Invoice,
    Job,
    Line,
    Payment,
    TimeEntry,
    money,
)

PERIOD_START = date(2026, 8, 1)  # the three months of time entries
PERIOD_END = date(2026, 10, 31)
INVOICE_START = date(2026, 5, 1)
TAX_RATES = (Decimal("0"), Decimal("0.0475"), Decimal("0.0725"))


def scaled(full: int, scale: float, minimum: int) -> int:
    """A count at the requested scale, never below ``minimum``."""
    return max(minimum, round(full * scale))


def moment(rng: random.Random, start: date, end: date) -> datetime:
    """A UTC timestamp during business hours between two dates."""
    day = start + timedelta(days=rng.randint(0, max(0, (end - start).days)))
    seconds = rng.randint(12 * 3600, 23 * 3600)  # 8am-7pm Eastern, in UTC
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=seconds)


def _phone(rng: random.Random, area: str, used: set[str]) -> str:
    while True:
        phone = f"({area}) 555-{rng.randint(0, 9999):04d}"
        if phone not in used:
            used.add(phone)
            return phone


def build_customers(company: Company, rng: random.Random, count: int) -> None:
    """Customers in both systems; ERP record numbers in the order they were entered."""
    seen: set[str] = set()
    phones: set[str] = set()
    order = list(range(1, count + 1))
    rng.shuffle(order)
    for i in range(count):
        name = names.company_name(rng)
        while name in seen:
            name = names.company_name(rng)
        seen.add(name)
        city, state, area, zip3 = rng.choice(names.CITIES)
        contact = rng.choice(names.FIRST_NAMES).lower()
        domain = names.slug(name.split(" & ")[0].replace(" Inc", ""))[:18]
        created = moment(rng, date(2019, 1, 1), date(2026, 4, 30))
        district = rng.randrange(len(TAX_RATES))
        company.customers.append(
            Customer(
                fid=f"C{100001 + i}",
                recnum=order[i],
                name=name,
                address1=names.street_address(rng),
                address2=names.suite(rng),
                city=city,
                state=state,
                postal_code=f"{zip3}{rng.randint(0, 99):02d}",
                phone=_phone(rng, area, phones),
                email=f"{contact}@{domain}.example",
                status="active" if rng.random() < 0.95 else "inactive",
                tax_rate=TAX_RATES[district],
                tax_district=district + 1,
                created=created,
                updated=moment(rng, PERIOD_START, PERIOD_END),
            )
        )


def build_jobs(company: Company, rng: random.Random, count: int) -> None:
    """Jobs spread over customers (a few customers have many)."""
    weights = [rng.paretovariate(1.6) for _ in company.customers]
    active = [i for i, c in enumerate(company.customers) if c.status == "active"]
    active_weights = [weights[i] for i in active]
    for i in range(count):
        cust = rng.choices(active, weights=active_weights)[0]
        customer = company.customers[cust]
        trade, kind = rng.choice(names.JOB_KINDS)
        where = customer.name.split(" Inc")[0].split(" LLC")[0].rstrip(".,")
        start = INVOICE_START + timedelta(days=rng.randint(-120, 150))
        status = rng.choices(["current", "complete", "closed"], weights=[70, 20, 10])[0]
        same_site = rng.random() < 0.6
        city, state, _, zip3 = rng.choice(names.CITIES)
        company.jobs.append(
            Job(
                fid=f"J{200001 + i}",
                number=21001 + i,
                name=f"{where[: 47 - len(kind)]} - {kind}",
                customer=cust,
                address1=customer.address1 if same_site else names.street_address(rng),
                city=customer.city if same_site else city,
                state=customer.state if same_site else state,
                postal_code=customer.postal_code
                if same_site
                else f"{zip3}{rng.randint(0, 99):02d}",
                status=status,
                trade=trade,
                contract=money(Decimal(rng.randint(1500, 250000))),
                start=start,
                created=moment(rng, start - timedelta(days=20), start),
                updated=moment(rng, PERIOD_START, PERIOD_END),
            )
        )


def build_cost_codes(company: Company) -> None:
    """The ERP's cost codes plus the two the field crews invented."""
    for code, description, kind in names.COST_CODES:
        company.cost_codes.append((code, description, kind, True))
    for code, description, kind in names.FIELD_ONLY_COST_CODES:
        company.cost_codes.append((code, description, kind, False))


def _trade_codes(company: Company, trade: str, kinds: tuple[str, ...]) -> list[str]:
    prefix = {"HVAC": "23.", "Plumbing": "22.", "Fire": "21."}[trade]
    return [
        code
        for code, _, kind, in_erp in company.cost_codes
        if in_erp and kind in kinds and (code.startswith(prefix) or code.startswith("1."))
    ]


def build_invoices(company: Company, rng: random.Random, count: int) -> None:
    """Invoices on jobs, about three lines each, numbered in date order."""
    dated = sorted(
        (INVOICE_START + timedelta(days=rng.randint(0, (PERIOD_END - INVOICE_START).days)))
        for _ in range(count)
    )
    for i, when in enumerate(dated):
        job_ix = rng.randrange(len(company.jobs))
        job = company.jobs[job_ix]
        customer = company.customers[job.customer]
        codes = _trade_codes(company, job.trade, ("labor", "material", "other"))
        lines: list[Line] = []
        for _ in range(rng.choice((1, 2, 3, 3, 3, 4, 5))):
            code = rng.choice(codes)
            kind = next(k for c, _, k, _ in company.cost_codes if c == code)
            if kind == "labor":
                qty = Decimal(rng.randint(2, 64)) / 2
                price = Decimal(rng.choice((85, 95, 105, 125, 145)))
            else:
                qty = Decimal(rng.randint(1, 12))
                price = money(Decimal(rng.randint(2500, 250000)) / 100)
            lines.append(
                Line(
                    description=rng.choice(names.LINE_WORDS[kind]),
                    quantity=qty,
                    unit_price=price,
                    amount=money(qty * price),
                    cost_code=code,
                    gl_account=rng.choice(names.GL_REVENUE),
                )
            )
        created = datetime.combine(when, time(15), tzinfo=UTC) + timedelta(
            minutes=rng.randint(0, 400)
        )
        company.invoices.append(
            Invoice(
                fid=f"I{300001 + i}",
                number=str(10001 + i),
                job=job_ix,
                invoice_date=when,
                due_date=when + timedelta(days=30),
                lines=lines,
                tax_rate=customer.tax_rate,
                created=created,
                updated=created + timedelta(hours=rng.randint(1, 48)),
                recnum=i + 1,
            )
        )


def build_payments(company: Company, rng: random.Random) -> None:
    """Customers pay most invoices 10-60 days out; one check may cover several."""
    by_customer: dict[int, list[int]] = {}
    for ix, invoice in enumerate(company.invoices):
        by_customer.setdefault(company.jobs[invoice.job].customer, []).append(ix)
    check = 4100 + rng.randint(0, 500)
    for cust in sorted(by_customer):
        pending: list[int] = []
        for ix in by_customer[cust]:
            invoice = company.invoices[ix]
            lag = rng.randint(10, 60)
            if invoice.invoice_date + timedelta(days=lag) > PERIOD_END or rng.random() > 0.75:
                continue
            pending.append(ix)
            if len(pending) < rng.choice((1, 1, 1, 2, 3)):
                continue
            paid_on = company.invoices[pending[-1]].invoice_date + timedelta(days=lag)
            apps = []
            for p in pending:
                total = company.invoices[p].total()
                part = rng.random() < 0.05
                apps.append((p, money(total / 2) if part else total))
            check += rng.randint(1, 40)
            method = rng.choices(["check", "ach", "credit_card"], weights=[70, 25, 5])[0]
            reference = {"check": str(check), "ach": f"ACH{check:08d}", "credit_card": f"CC{check}"}
            company.payments.append(
                Payment(
                    fid=f"P{400001 + len(company.payments)}",
                    customer=cust,
                    payment_date=min(paid_on, PERIOD_END),
                    check_number=reference[method],
                    method=method,
                    applications=apps,
                    created=moment(rng, paid_on, min(paid_on + timedelta(days=2), PERIOD_END)),
                )
            )
            pending = []


def build_employees(company: Company, rng: random.Random, count: int) -> None:
    """Field employees; their payroll number is the id both systems share."""
    for i in range(count):
        trade = rng.choices(["HVAC", "Plumbing", "Fire"], weights=[50, 32, 18])[0]
        company.employees.append(
            Employee(
                recnum=101 + i,
                first_name=rng.choice(names.FIRST_NAMES),
                last_name=rng.choice(names.SURNAMES),
                status="active",
                pay_rate=money(Decimal(rng.randint(2200, 5200)) / 100),
                trade=trade,
                created=moment(rng, date(2015, 1, 1), date(2026, 6, 30)),
            )
        )


def build_time(company: Company, rng: random.Random, target: int) -> None:
    """Daily time: each employee works most weekdays on one to three jobs."""
    days = [
        PERIOD_START + timedelta(days=d)
        for d in range((PERIOD_END - PERIOD_START).days + 1)
        if (PERIOD_START + timedelta(days=d)).weekday() < 5
    ]
    workers = [ix for ix, e in enumerate(company.employees) if e.in_erp]
    p_work = min(1.0, target / (len(workers) * len(days) * 2.1))
    jobs_by_trade: dict[str, list[int]] = {}
    for ix, job in enumerate(company.jobs):
        if job.in_erp and job.status != "closed":
            jobs_by_trade.setdefault(job.trade, []).append(ix)
    quarter = Decimal("0.25")
    for day in days:
        for emp_ix in workers:
            if rng.random() > p_work:
                continue
            employee = company.employees[emp_ix]
            parts = rng.choices((1, 2, 3), weights=(25, 40, 35))[0]
            cuts = sorted(rng.sample(range(1, 16), parts - 1))
            bounds = [0, *cuts, 16]
            codes = _trade_codes(company, employee.trade, ("labor",))
            for k in range(parts):
                regular = Decimal(bounds[k + 1] - bounds[k]) / 2
                overtime = (
                    Decimal(rng.randint(1, 12)) * quarter if rng.random() < 0.12 else Decimal(0)
                )
                double = Decimal(rng.choice((1, 2))) if rng.random() < 0.01 else Decimal(0)
                company.time_entries.append(
                    TimeEntry(
                        fid=f"T{500001 + len(company.time_entries)}",
                        employee=emp_ix,
                        job=rng.choice(jobs_by_trade[employee.trade]),
                        cost_code=rng.choice(codes),
                        work_date=day,
                        regular=regular,
                        overtime=overtime,
                        doubletime=double,
                        updated=datetime.combine(day + timedelta(days=1), time(13), tzinfo=UTC)
                        + timedelta(minutes=rng.randint(0, 600)),
                    )
                )
    for recnum, entry in enumerate(company.time_entries, start=1):
        entry.recnum = recnum
