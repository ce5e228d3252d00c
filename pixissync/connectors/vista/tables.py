"""Viewpoint Vista tables PixisSync reads and writes, as SQLAlchemy Core tables.

Names and columns follow the Vista database (``b``-prefixed base tables; Vista's
views drop the ``b``). Only the columns we use, plus the ones Vista requires on
insert, are declared. Every table carries Vista's ``KeyID`` identity and our
``udPixisRef`` user-defined column, which a site adds with Vista's *Custom Fields*
(ud columns are how Vista lets a customer extend a table).

The stand-in declares ``KeyID`` as the primary key so SQLite and PostgreSQL give
it an identity; in Vista the clustered key is the business key and ``KeyID`` is a
unique identity column. Nothing we do depends on that difference.

Money is ``numeric(12,2)`` (Vista's ``bDollar``) and hours ``numeric(10,2)``
(``bHrs``); on SQLite both are stored as exact decimal text (see :class:`Exact`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class Exact(TypeDecorator[Decimal]):
    """``numeric(p, s)`` everywhere, exact decimal text on SQLite (which has no decimal)."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int = 12, scale: int = 2) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(24))
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        quantum = Decimal(1).scaleb(-self.scale)
        exact = Decimal(str(value)).quantize(quantum)
        return format(exact, "f") if dialect.name == "sqlite" else exact

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


MONEY: Final = Exact(12, 2)
HOURS: Final = Exact(10, 2)
RATE: Final = Exact(16, 5)
KEY_ID: Final = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

metadata = sa.MetaData()


def _key_id() -> sa.Column[int]:
    return sa.Column("KeyID", KEY_ID, primary_key=True, autoincrement=True)


def _ud() -> sa.Column[str]:
    # Our source reference (pxs:<system>:<entity>:<id>); indexed because apply looks it up.
    return sa.Column("udPixisRef", sa.String(60), index=True)


bARCM = sa.Table(
    "bARCM",
    metadata,
    _key_id(),
    sa.Column("CustGroup", sa.SmallInteger, nullable=False),
    sa.Column("Customer", sa.Integer, nullable=False),
    sa.Column("Name", sa.String(60)),
    sa.Column("SortName", sa.String(15), nullable=False),
    sa.Column("Phone", sa.String(20)),
    sa.Column("EMail", sa.String(60)),
    sa.Column("Status", sa.String(1), nullable=False, server_default="A"),
    sa.Column("PayTerms", sa.String(10)),
    sa.Column("CreditLimit", MONEY),
    sa.Column("BillAddress", sa.String(60)),
    sa.Column("BillAddress2", sa.String(60)),
    sa.Column("BillCity", sa.String(30)),
    sa.Column("BillState", sa.String(4)),
    sa.Column("BillZip", sa.String(12)),
    _ud(),
    sa.UniqueConstraint("CustGroup", "Customer", name="biARCM"),
    sa.UniqueConstraint("CustGroup", "SortName", name="biARCMSortName"),
)

bJCCM = sa.Table(
    "bJCCM",
    metadata,
    _key_id(),
    sa.Column("JCCo", sa.SmallInteger, nullable=False),
    sa.Column("Contract", sa.String(10), nullable=False),
    sa.Column("Description", sa.String(60)),
    sa.Column("CustGroup", sa.SmallInteger),
    sa.Column("Customer", sa.Integer),
    sa.Column("ContractStatus", sa.SmallInteger, nullable=False, server_default="1"),
    sa.Column("ContractAmt", MONEY),
    _ud(),
    sa.UniqueConstraint("JCCo", "Contract", name="biJCCM"),
)

bJCJM = sa.Table(
    "bJCJM",
    metadata,
    _key_id(),
    sa.Column("JCCo", sa.SmallInteger, nullable=False),
    sa.Column("Job", sa.String(10), nullable=False),
    sa.Column("Description", sa.String(60)),
    sa.Column("Contract", sa.String(10)),
    sa.Column("JobStatus", sa.SmallInteger, nullable=False, server_default="1"),
    sa.Column("PhaseGroup", sa.SmallInteger),
    sa.Column("MailAddress", sa.String(60)),
    sa.Column("MailCity", sa.String(30)),
    sa.Column("MailState", sa.String(4)),
    sa.Column("MailZip", sa.String(12)),
    _ud(),
    sa.UniqueConstraint("JCCo", "Job", name="biJCJM"),
)

bJCPM = sa.Table(
    "bJCPM",
    metadata,
    _key_id(),
    sa.Column("PhaseGroup", sa.SmallInteger, nullable=False),
    sa.Column("Phase", sa.String(20), nullable=False),
    sa.Column("Description", sa.String(60)),
    _ud(),
    sa.UniqueConstraint("PhaseGroup", "Phase", name="biJCPM"),
)

bJCJP = sa.Table(
    "bJCJP",
    metadata,
    _key_id(),
    sa.Column("JCCo", sa.SmallInteger, nullable=False),
    sa.Column("Job", sa.String(10), nullable=False),
    sa.Column("PhaseGroup", sa.SmallInteger, nullable=False),
    sa.Column("Phase", sa.String(20), nullable=False),
    sa.Column("Description", sa.String(60)),
    sa.Column("ActiveYN", sa.String(1), nullable=False, server_default="Y"),
    _ud(),
    sa.UniqueConstraint("JCCo", "Job", "Phase", name="biJCJP"),
)

bJCCT = sa.Table(
    "bJCCT",
    metadata,
    _key_id(),
    sa.Column("PhaseGroup", sa.SmallInteger, nullable=False),
    sa.Column("CostType", sa.SmallInteger, nullable=False),
    sa.Column("Description", sa.String(60)),
    sa.Column("Abbreviation", sa.String(5)),
    _ud(),
    sa.UniqueConstraint("PhaseGroup", "CostType", name="biJCCT"),
)

bJCCH = sa.Table(
    "bJCCH",
    metadata,
    _key_id(),
    sa.Column("JCCo", sa.SmallInteger, nullable=False),
    sa.Column("Job", sa.String(10), nullable=False),
    sa.Column("PhaseGroup", sa.SmallInteger, nullable=False),
    sa.Column("Phase", sa.String(20), nullable=False),
    sa.Column("CostType", sa.SmallInteger, nullable=False),
    sa.Column("UM", sa.String(3)),
    _ud(),
    sa.UniqueConstraint("JCCo", "Job", "Phase", "CostType", name="biJCCH"),
)

bARTH = sa.Table(
    "bARTH",
    metadata,
    _key_id(),
    sa.Column("ARCo", sa.SmallInteger, nullable=False),
    sa.Column("Mth", sa.Date, nullable=False),
    sa.Column("ARTrans", sa.Integer, nullable=False),
    sa.Column("ARTransType", sa.String(1), nullable=False),
    sa.Column("CustGroup", sa.SmallInteger, nullable=False),
    sa.Column("Customer", sa.Integer, nullable=False),
    sa.Column("CustRef", sa.String(20)),
    sa.Column("JCCo", sa.SmallInteger),
    sa.Column("Contract", sa.String(10)),
    # bInvoice: Vista right-justifies invoice numbers in varchar(10); we strip on read.
    sa.Column("Invoice", sa.String(10)),
    sa.Column("CheckNo", sa.String(10)),
    sa.Column("Description", sa.String(30)),
    sa.Column("TransDate", sa.Date, nullable=False),
    sa.Column("DueDate", sa.Date),
    sa.Column("Invoiced", MONEY, nullable=False, server_default="0"),
    sa.Column("Paid", MONEY, nullable=False, server_default="0"),
    sa.Column("Retainage", MONEY, nullable=False, server_default="0"),
    sa.Column("AmountDue", MONEY, nullable=False, server_default="0"),
    sa.Column("BatchId", sa.Integer),
    _ud(),
    sa.UniqueConstraint("ARCo", "Mth", "ARTrans", name="biARTH"),
)

bARTL = sa.Table(
    "bARTL",
    metadata,
    _key_id(),
    sa.Column("ARCo", sa.SmallInteger, nullable=False),
    sa.Column("Mth", sa.Date, nullable=False),
    sa.Column("ARTrans", sa.Integer, nullable=False),
    sa.Column("ARLine", sa.SmallInteger, nullable=False),
    sa.Column("LineType", sa.String(1), nullable=False, server_default="O"),
    sa.Column("Description", sa.String(30)),
    sa.Column("GLAcct", sa.String(20)),
    sa.Column("UnitPrice", RATE),
    sa.Column("Amount", MONEY, nullable=False, server_default="0"),
    sa.Column("TaxAmount", MONEY, nullable=False, server_default="0"),
    sa.Column("Retainage", MONEY, nullable=False, server_default="0"),
    sa.Column("ApplyMth", sa.Date),
    sa.Column("ApplyTrans", sa.Integer),
    sa.Column("ApplyLine", sa.SmallInteger),
    sa.Column("JCCo", sa.SmallInteger),
    sa.Column("Contract", sa.String(10)),
    sa.Column("Item", sa.String(16)),
    sa.Column("Job", sa.String(10)),
    sa.Column("PhaseGroup", sa.SmallInteger),
    sa.Column("Phase", sa.String(20)),
    sa.Column("CostType", sa.SmallInteger),
    sa.UniqueConstraint("ARCo", "Mth", "ARTrans", "ARLine", name="biARTL"),
)

bPREH = sa.Table(
    "bPREH",
    metadata,
    _key_id(),
    sa.Column("PRCo", sa.SmallInteger, nullable=False),
    sa.Column("Employee", sa.Integer, nullable=False),
    sa.Column("LastName", sa.String(30)),
    sa.Column("FirstName", sa.String(30)),
    sa.Column("PRGroup", sa.SmallInteger, nullable=False),
    sa.Column("ActiveYN", sa.String(1), nullable=False, server_default="Y"),
    sa.Column("HrlyRate", RATE),
    _ud(),
    sa.UniqueConstraint("PRCo", "Employee", name="biPREH"),
)

bPRTH = sa.Table(
    "bPRTH",
    metadata,
    _key_id(),
    sa.Column("PRCo", sa.SmallInteger, nullable=False),
    sa.Column("PRGroup", sa.SmallInteger, nullable=False),
    sa.Column("PREndDate", sa.Date, nullable=False),
    sa.Column("Employee", sa.Integer, nullable=False),
    sa.Column("PaySeq", sa.SmallInteger, nullable=False),
    sa.Column("PostSeq", sa.SmallInteger, nullable=False),
    sa.Column("Type", sa.String(1), nullable=False),
    sa.Column("PostDate", sa.Date, nullable=False),
    sa.Column("JCCo", sa.SmallInteger),
    sa.Column("Job", sa.String(10)),
    sa.Column("PhaseGroup", sa.SmallInteger),
    sa.Column("Phase", sa.String(20)),
    sa.Column("EarnCode", sa.SmallInteger, nullable=False),
    sa.Column("Hours", HOURS, nullable=False),
    sa.Column("Rate", RATE, nullable=False, server_default="0"),
    sa.Column("Amt", MONEY, nullable=False, server_default="0"),
    sa.Column("BatchId", sa.Integer),
    sa.Column("InUseBatchId", sa.Integer),
    _ud(),
    sa.UniqueConstraint(
        "PRCo", "PRGroup", "PREndDate", "Employee", "PaySeq", "PostSeq", name="biPRTH"
    ),
)

bHQBC = sa.Table(
    "bHQBC",
    metadata,
    _key_id(),
    sa.Column("Co", sa.SmallInteger, nullable=False),
    sa.Column("Mth", sa.Date, nullable=False),
    sa.Column("BatchId", sa.Integer, nullable=False),
    sa.Column("Source", sa.String(10), nullable=False),
    sa.Column("TableName", sa.String(20), nullable=False),
    sa.Column("InUseBy", sa.String(128)),
    sa.Column("DateCreated", sa.Date, nullable=False),
    sa.Column("CreatedBy", sa.String(128), nullable=False),
    # 0 open, 1 validation in progress, 2 errors, 3 validated, 4 posting, 5 posted, 6 cancelled
    sa.Column("Status", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("Rstrict", sa.String(1), nullable=False, server_default="N"),
    sa.Column("Adjust", sa.String(1), nullable=False, server_default="N"),
    sa.Column("PRGroup", sa.SmallInteger),
    sa.Column("PREndDate", sa.Date),
    sa.Column("DatePosted", sa.Date),
    sa.Column("DateClosed", sa.Date),
    _ud(),
    sa.UniqueConstraint("Co", "Mth", "BatchId", name="biHQBC"),
)

bHQBE = sa.Table(
    "bHQBE",
    metadata,
    _key_id(),
    sa.Column("Co", sa.SmallInteger, nullable=False),
    sa.Column("Mth", sa.Date, nullable=False),
    sa.Column("BatchId", sa.Integer, nullable=False),
    sa.Column("Seq", sa.Integer, nullable=False),
    sa.Column("ErrorText", sa.String(255), nullable=False),
)

bARBH = sa.Table(
    "bARBH",
    metadata,
    _key_id(),
    sa.Column("Co", sa.SmallInteger, nullable=False),
    sa.Column("Mth", sa.Date, nullable=False),
    sa.Column("BatchId", sa.Integer, nullable=False),
    sa.Column("BatchSeq", sa.Integer, nullable=False),
    sa.Column("TransType", sa.String(1), nullable=False),
    sa.Column("ARTransType", sa.String(1), nullable=False),
    sa.Column("CustGroup", sa.SmallInteger, nullable=False),
    sa.Column("Customer", sa.Integer, nullable=False),
    sa.Column("CustRef", sa.String(20)),
    sa.Column("JCCo", sa.SmallInteger),
    sa.Column("Contract", sa.String(10)),
    sa.Column("Invoice", sa.String(10)),
    sa.Column("Description", sa.String(30)),
    sa.Column("TransDate", sa.Date, nullable=False),
    sa.Column("DueDate", sa.Date),
    sa.Column("PayTerms", sa.String(10)),
    _ud(),
    sa.UniqueConstraint("Co", "Mth", "BatchId", "BatchSeq", name="biARBH"),
)

bARBL = sa.Table(
    "bARBL",
    metadata,
    _key_id(),
    sa.Column("Co", sa.SmallInteger, nullable=False),
    sa.Column("Mth", sa.Date, nullable=False),
    sa.Column("BatchId", sa.Integer, nullable=False),
    sa.Column("BatchSeq", sa.Integer, nullable=False),
    sa.Column("ARLine", sa.SmallInteger, nullable=False),
    sa.Column("TransType", sa.String(1), nullable=False),
    sa.Column("LineType", sa.String(1), nullable=False, server_default="O"),
    sa.Column("Description", sa.String(30)),
    sa.Column("GLCo", sa.SmallInteger),
    sa.Column("GLAcct", sa.String(20)),
    sa.Column("UnitPrice", RATE),
    sa.Column("Amount", MONEY, nullable=False),
    sa.Column("TaxAmount", MONEY, nullable=False, server_default="0"),
    sa.Column("Retainage", MONEY, nullable=False, server_default="0"),
    sa.Column("JCCo", sa.SmallInteger),
    sa.Column("Job", sa.String(10)),
    sa.Column("PhaseGroup", sa.SmallInteger),
    sa.Column("Phase", sa.String(20)),
    sa.UniqueConstraint("Co", "Mth", "BatchId", "BatchSeq", "ARLine", name="biARBL"),
)

bPRTB = sa.Table(
    "bPRTB",
    metadata,
    _key_id(),
    sa.Column("Co", sa.SmallInteger, nullable=False),
    sa.Column("Mth", sa.Date, nullable=False),
    sa.Column("BatchId", sa.Integer, nullable=False),
    sa.Column("BatchSeq", sa.Integer, nullable=False),
    sa.Column("BatchTransType", sa.String(1), nullable=False),
    sa.Column("Employee", sa.Integer, nullable=False),
    sa.Column("PaySeq", sa.SmallInteger, nullable=False),
    sa.Column("Type", sa.String(1), nullable=False),
    sa.Column("DayNum", sa.SmallInteger),
    sa.Column("PostDate", sa.Date, nullable=False),
    sa.Column("JCCo", sa.SmallInteger),
    sa.Column("Job", sa.String(10)),
    sa.Column("PhaseGroup", sa.SmallInteger),
    sa.Column("Phase", sa.String(20)),
    sa.Column("EarnCode", sa.SmallInteger, nullable=False),
    sa.Column("Hours", HOURS, nullable=False),
    sa.Column("Rate", RATE, nullable=False, server_default="0"),
    sa.Column("Amt", MONEY, nullable=False, server_default="0"),
    _ud(),
    sa.UniqueConstraint("Co", "Mth", "BatchId", "BatchSeq", name="biPRTB"),
)

bPRPC = sa.Table(
    "bPRPC",
    metadata,
    _key_id(),
    sa.Column("PRCo", sa.SmallInteger, nullable=False),
    sa.Column("PRGroup", sa.SmallInteger, nullable=False),
    sa.Column("PREndDate", sa.Date, nullable=False),
    sa.Column("BeginDate", sa.Date, nullable=False),
    sa.Column("BeginMth", sa.Date, nullable=False),
    # 0 open, 1 closed
    sa.Column("Status", sa.SmallInteger, nullable=False, server_default="0"),
    sa.UniqueConstraint("PRCo", "PRGroup", "PREndDate", name="biPRPC"),
)

bGLCO = sa.Table(
    "bGLCO",
    metadata,
    _key_id(),
    sa.Column("GLCo", sa.SmallInteger, nullable=False),
    sa.Column("LastMthSubClsd", sa.Date),
    sa.Column("LastMthGLClsd", sa.Date),
    sa.Column("LastMthARClsd", sa.Date),
    sa.UniqueConstraint("GLCo", name="biGLCO"),
)

# Vista's master audit: master-table triggers write one row per change when a
# company audits them. Incremental reads of customers and jobs come from here.
bHQMA = sa.Table(
    "bHQMA",
    metadata,
    _key_id(),
    sa.Column("TableName", sa.String(30), nullable=False),
    sa.Column("KeyString", sa.String(255), nullable=False),
    sa.Column("Co", sa.SmallInteger, nullable=False),
    sa.Column("RecType", sa.String(1), nullable=False),
    sa.Column("FieldName", sa.String(30)),
    sa.Column("OldValue", sa.String(255)),
    sa.Column("NewValue", sa.String(255)),
    sa.Column("DateTime", sa.DateTime, nullable=False),
    sa.Column("UserName", sa.String(128), nullable=False),
    sa.Index("ixHQMATable", "TableName", "DateTime"),
)
