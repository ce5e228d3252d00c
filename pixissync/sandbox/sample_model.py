"""The sample company's ground truth: one record per real-world thing, both sides' view.

The generator builds these plain records first; :mod:`sample_field` and
:mod:`sample_erp` render them as the field system's export and as Sage 100
Contractor tables. Planted differences live on the records as ``field_*`` /
``erp_*`` overrides so each side's renderer stays a straight mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    """Round to the cent, half up, as an accountant would."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money_text(value: Decimal) -> str:
    """Money as a plain decimal string, e.g. ``1234.50``."""
    return format(money(value), "f")


def stamp(value: datetime) -> str:
    """A UTC timestamp as ISO 8601 with ``Z``."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def sql_stamp(value: datetime) -> str:
    """A timestamp as SQL Server writes it (naive; the sandbox keeps UTC)."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class Customer:
    fid: str
    recnum: int | None  # None: only in the field system
    name: str
    address1: str
    address2: str
    city: str
    state: str
    postal_code: str
    phone: str
    email: str
    status: str
    tax_rate: Decimal
    tax_district: int
    created: datetime
    updated: datetime
    erp_name: str | None = None  # planted spelling in the ERP
    erp_address1: str | None = None


@dataclass
class Job:
    fid: str
    number: int  # the job number both systems show; the ERP's actrec.recnum
    name: str
    customer: int  # index into customers
    address1: str
    city: str
    state: str
    postal_code: str
    status: str  # canonical: current / complete / closed
    trade: str
    contract: Decimal
    start: date
    created: datetime
    updated: datetime
    in_erp: bool = True


@dataclass
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    cost_code: str
    gl_account: str


@dataclass
class Invoice:
    fid: str
    number: str
    job: int
    invoice_date: date
    due_date: date
    lines: list[Line]
    tax_rate: Decimal
    created: datetime
    updated: datetime
    recnum: int | None = None  # acrinv.recnum when in the ERP
    in_erp: bool = True
    posted: bool = False
    field_number: str | None = None
    field_date: date | None = None
    field_lines: list[Line] | None = None

    def subtotal(self, lines: list[Line] | None = None) -> Decimal:
        return money(sum((line.amount for line in lines or self.lines), Decimal(0)))

    def tax(self, lines: list[Line] | None = None) -> Decimal:
        return money(self.subtotal(lines) * self.tax_rate)

    def total(self, lines: list[Line] | None = None) -> Decimal:
        return self.subtotal(lines) + self.tax(lines)


@dataclass
class Payment:
    fid: str
    customer: int
    payment_date: date
    check_number: str
    method: str
    applications: list[tuple[int, Decimal]]  # (invoice index, amount)
    created: datetime
    in_field: bool = True

    @property
    def amount(self) -> Decimal:
        return sum((amount for _, amount in self.applications), Decimal(0))


@dataclass
class Employee:
    recnum: int  # payroll number; the field system uses it as employee_id
    first_name: str
    last_name: str
    status: str
    pay_rate: Decimal
    trade: str
    created: datetime
    in_erp: bool = True


@dataclass
class TimeEntry:
    fid: str
    employee: int
    job: int
    cost_code: str
    work_date: date
    regular: Decimal
    overtime: Decimal
    doubletime: Decimal
    updated: datetime
    recnum: int | None = None  # dlypyr.recnum when in the ERP
    in_erp: bool = True


@dataclass
class Company:
    """Everything the generator made, plus the manifest of planted items."""

    seed: int
    scale: float
    customers: list[Customer] = field(default_factory=list)
    erp_duplicates: list[tuple[int, Customer]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    time_entries: list[TimeEntry] = field(default_factory=list)
    cost_codes: list[tuple[str, str, str, bool]] = field(default_factory=list)
    invalid_rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    planted: list[dict[str, Any]] = field(default_factory=list)

    def plant(self, kind: str, entity: str, **ids: Any) -> None:
        """Record one planted item for the manifest."""
        self.planted.append({"kind": kind, "entity": entity, **ids})
