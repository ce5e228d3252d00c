"""Sage 100 Contractor tables as SQLAlchemy Core definitions (the subset we read/write).

Names follow the reference (``../shared/reference/erp-data-models.md``): six
lower-case characters, ``recnum`` business key, ``_idnum`` surrogate, ``insdte``/
``insusr``/``upddte``/``updusr`` on every table. Lengths marked [I] in the
reference are our inference; where a width is unknown we chose a common one and
the writer enforces it, so a value the real system would truncate or refuse is
refused here first (PermanentError naming the field).

Layout decisions (documented because the reference leaves them open):

* ``usrdf1`` nvarchar(50) — a user-defined field holding our source reference
  (``pxs:<system>:<entity>:<id>``) on records PixisSync creates. Sage 100C lets
  an administrator add user-defined fields; the production path maps the same
  name to the company's chosen field.
* ``acrpmt`` is a child of ``acrinv``: one row per payment *applied to an
  invoice* (``recnum`` = the invoice's recnum, ``linnum`` its payment line),
  as Sage keeps receipts. A canonical payment is the rows sharing customer and
  check number; its id is ``"<clnnum>:<chknum>"``.
* ``arivln`` lines carry the invoice's ``recnum`` (the reader joins on it) and
  also ``_idref`` = the invoice's ``_idnum``: the reference could not confirm
  which one Sage uses, so the sandbox fills both and the writer keeps both
  right; a production read that finds ``recnum`` empty should join on ``_idref``.
* ``dlypyr`` groups one daily time entry's pay lines by ``recnum`` with
  ``linnum``; ``paytyp`` 1 regular, 2 overtime, 3 premium (double time).
* ``acrinv.lgrrec`` set (a ledger record number) means the invoice is posted
  to the general ledger; the connector refuses to edit it.
* ``lckprd`` (our sandbox table, [I]): one row per accounting period
  (``postyr``, ``actper``, ``begdte``, ``enddte``, ``locked``) so pre-flight
  checks can find closed periods.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.types import TypeDecorator, TypeEngine


class Exact(TypeDecorator[Decimal]):
    """decimal(p, s) everywhere; SQLite (no exact decimal) keeps the text ``1234.50``."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        quantum = Decimal(1).scaleb(-self.scale)
        exact = Decimal(str(value)).quantize(quantum)
        return format(exact, "f") if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-self.scale))


def Money() -> Exact:
    """decimal(12,2), Sage's money columns."""
    return Exact(12, 2)


metadata: Final = MetaData()


def _common(recnum_type: TypeEngine[Any] | type[TypeEngine[Any]] = Integer) -> list[Column[Any]]:
    return [
        Column("_idnum", Integer, primary_key=True, autoincrement=True),
        Column("recnum", recnum_type, nullable=False),
    ]


def _audit() -> list[Column[Any]]:
    return [
        Column("insdte", DateTime),
        Column("insusr", String(30)),
        Column("upddte", DateTime),
        Column("updusr", String(30)),
    ]


reccln: Final = Table(
    "reccln", metadata, *_common(),
    Column("shtnme", String(10)), Column("clnnme", String(50)), Column("addrs1", String(50)),
    Column("addrs2", String(50)), Column("ctynme", String(50)), Column("state_", String(2)),
    Column("zipcde", String(10)), Column("phnnum", String(14)), Column("e_mail", String(75)),
    Column("status", SmallInteger), Column("clntyp", SmallInteger), Column("taxdst", Integer),
    Column("usrdf1", String(50)), *_audit(),
    Index("ix_reccln_recnum", "recnum", unique=True), Index("ix_reccln_usrdf1", "usrdf1"),
)  # fmt: skip

actrec: Final = Table(
    "actrec", metadata, *_common(BigInteger),
    Column("jobnme", String(50)), Column("shtnme", String(10)), Column("clnnum", Integer),
    Column("addrs1", String(50)), Column("ctynme", String(50)), Column("state_", String(2)),
    Column("zipcde", String(10)), Column("status", SmallInteger), Column("jobtyp", SmallInteger),
    Column("cntrct", Money()), Column("retain", Exact(5, 2)), Column("sttdte", Date),
    Column("cmpdte", Date), Column("usrdf1", String(50)), *_audit(),
    Index("ix_actrec_recnum", "recnum", unique=True), Index("ix_actrec_usrdf1", "usrdf1"),
)  # fmt: skip

acrinv: Final = Table(
    "acrinv", metadata, *_common(),
    Column("invnum", String(20)), Column("dscrpt", String(50)), Column("invdte", Date),
    Column("duedte", Date), Column("jobnum", BigInteger), Column("phsnum", Integer),
    Column("invtyp", SmallInteger), Column("status", SmallInteger), Column("retain", Money()),
    Column("slstax", Money()), Column("invttl", Money()), Column("invbal", Money()),
    Column("amtpad", Money()), Column("actper", SmallInteger), Column("postyr", SmallInteger),
    Column("lgrrec", Integer), Column("usrdf1", String(50)), *_audit(),
    Index("ix_acrinv_recnum", "recnum", unique=True), Index("ix_acrinv_usrdf1", "usrdf1"),
    Index("ix_acrinv_jobnum", "jobnum"),
)  # fmt: skip

arivln: Final = Table(
    "arivln", metadata, *_common(),
    Column("_idref", Integer), Column("linnum", SmallInteger), Column("dscrpt", String(50)),
    Column("linqty", Exact(12, 4)), Column("linprc", Exact(12, 4)), Column("extprc", Money()),
    Column("lgract", Integer), Column("subact", Integer), Column("cstcde", Exact(12, 3)),
    *_audit(),
    Index("ix_arivln_recnum", "recnum", "linnum", unique=True),
)  # fmt: skip

acrpmt: Final = Table(
    "acrpmt", metadata, *_common(),
    Column("linnum", SmallInteger), Column("chknum", String(20)), Column("chkdte", Date),
    Column("amount", Money()), Column("dsctkn", Money()), Column("aplcrd", Money()),
    Column("actper", SmallInteger), Column("postyr", SmallInteger), Column("usrdf1", String(50)),
    *_audit(),
    Index("ix_acrpmt_recnum", "recnum", "linnum", unique=True),
)  # fmt: skip

dlypyr: Final = Table(
    "dlypyr", metadata, *_common(),
    Column("linnum", SmallInteger), Column("empnum", Integer), Column("dtewrk", Date),
    Column("jobnum", BigInteger), Column("phsnum", Integer), Column("cstcde", Exact(12, 3)),
    Column("paytyp", SmallInteger), Column("hrswrk", Exact(7, 2)), Column("payrte", Exact(12, 4)),
    Column("cmpcde", String(6)), Column("usrdf1", String(50)), *_audit(),
    Index("ix_dlypyr_recnum", "recnum", "linnum", unique=True), Index("ix_dlypyr_usrdf1", "usrdf1"),
)  # fmt: skip

employ: Final = Table(
    "employ", metadata, *_common(),
    Column("fstnme", String(30)), Column("lstnme", String(30)), Column("status", SmallInteger),
    Column("payrt1", Exact(12, 4)), *_audit(),
    Index("ix_employ_recnum", "recnum", unique=True),
)  # fmt: skip

cstcde: Final = Table(
    "cstcde", metadata, *_common(Exact(12, 3)),
    Column("cdenme", String(50)), Column("divnum", Integer), *_audit(),
    Index("ix_cstcde_recnum", "recnum", unique=True),
)  # fmt: skip

lckprd: Final = Table(
    "lckprd", metadata,
    Column("_idnum", Integer, primary_key=True, autoincrement=True),
    Column("postyr", SmallInteger, nullable=False), Column("actper", SmallInteger, nullable=False),
    Column("begdte", Date), Column("enddte", Date), Column("locked", SmallInteger), *_audit(),
    Index("ix_lckprd_period", "postyr", "actper", unique=True),
)  # fmt: skip

TABLES: Final[dict[str, Table]] = {t.name: t for t in metadata.sorted_tables}
