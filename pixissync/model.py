"""The canonical entities: column types, pandera models and conforming raw frames.

Every connector returns frames in these columns. Money is ``Decimal(12, 2)`` and
hours ``Decimal(7, 2)`` so totals are exact; dates are ``Date``; timestamps are
UTC ``Datetime``. ``conform`` turns a raw frame (strings from a CSV, or a
connector's typed frame) into the canonical schema and sets aside the rows it
cannot trust in a *quarantine* frame naming record, field, value and reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from pixissync.errors import InputError

MONEY: Final = pl.Decimal(12, 2)
HOURS: Final = pl.Decimal(7, 2)
TIMESTAMP: Final = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class EntitySpec:
    """The columns of one canonical entity, its key and which columns must be present."""

    name: str
    key: tuple[str, ...]
    columns: dict[str, pl.DataType]
    required: tuple[str, ...]

    @property
    def id_column(self) -> str:
        return self.key[0]


_S = pl.String()
ENTITIES: Final[dict[str, EntitySpec]] = {
    spec.name: spec
    for spec in (
        EntitySpec(
            "customer",
            ("customer_id",),
            {
                "customer_id": _S,
                "name": _S,
                "address1": _S,
                "address2": _S,
                "city": _S,
                "state": _S,
                "postal_code": _S,
                "phone": _S,
                "email": _S,
                "status": _S,
                "external_ref": _S,
                "updated_at": TIMESTAMP,
            },
            ("customer_id",),
        ),
        EntitySpec(
            "job",
            ("job_id",),
            {
                "job_id": _S,
                "job_number": _S,
                "name": _S,
                "customer_id": _S,
                "address1": _S,
                "city": _S,
                "state": _S,
                "postal_code": _S,
                "status": _S,
                "external_ref": _S,
                "updated_at": TIMESTAMP,
            },
            ("job_id",),
        ),
        EntitySpec(
            "invoice",
            ("invoice_id",),
            {
                "invoice_id": _S,
                "invoice_number": _S,
                "customer_id": _S,
                "job_id": _S,
                "invoice_date": pl.Date(),
                "due_date": pl.Date(),
                "subtotal": MONEY,
                "tax": MONEY,
                "total": MONEY,
                "balance": MONEY,
                "status": _S,
                "external_ref": _S,
                "updated_at": TIMESTAMP,
            },
            ("invoice_id",),
        ),
        EntitySpec(
            "invoice_line",
            ("invoice_id", "line_no"),
            {
                "invoice_id": _S,
                "line_no": pl.Int32(),
                "description": _S,
                "quantity": pl.Decimal(12, 4),
                "unit_price": pl.Decimal(12, 4),
                "amount": MONEY,
                "cost_code": _S,
                "gl_account": _S,
            },
            ("invoice_id", "line_no"),
        ),
        EntitySpec(
            "payment",
            ("payment_id",),
            {
                "payment_id": _S,
                "customer_id": _S,
                "payment_date": pl.Date(),
                "amount": MONEY,
                "reference": _S,
                "method": _S,
                "external_ref": _S,
                "updated_at": TIMESTAMP,
            },
            ("payment_id",),
        ),
        EntitySpec(
            "payment_application",
            ("payment_id", "invoice_id"),
            {"payment_id": _S, "invoice_id": _S, "amount": MONEY},
            ("payment_id", "invoice_id"),
        ),
        EntitySpec(
            "time_entry",
            ("entry_id",),
            {
                "entry_id": _S,
                "employee_id": _S,
                "job_id": _S,
                "job_number": _S,
                "cost_code": _S,
                "work_date": pl.Date(),
                "regular_hours": HOURS,
                "overtime_hours": HOURS,
                "doubletime_hours": HOURS,
                "approved": pl.Boolean(),
                "external_ref": _S,
                "updated_at": TIMESTAMP,
            },
            ("entry_id",),
        ),
        EntitySpec(
            "employee",
            ("employee_id",),
            {
                "employee_id": _S,
                "first_name": _S,
                "last_name": _S,
                "status": _S,
                "pay_rate": MONEY,
                "updated_at": TIMESTAMP,
            },
            ("employee_id",),
        ),
        EntitySpec(
            "cost_code",
            ("cost_code",),
            {"cost_code": _S, "description": _S, "updated_at": TIMESTAMP},
            ("cost_code",),
        ),
    )
}


def spec(entity: str) -> EntitySpec:
    """Return the spec of a canonical entity, or raise listing the known ones."""
    try:
        return ENTITIES[entity]
    except KeyError:
        known = ", ".join(sorted(ENTITIES))
        raise InputError(f"unknown entity {entity!r}; known: {known}") from None


def empty_frame(entity: str) -> pl.DataFrame:
    """An empty frame with the entity's canonical schema."""
    return pl.DataFrame(schema=spec(entity).columns)


# ---------------------------------------------------------------------------
# pandera models: the value rules that come after types are right


class _Base(pa.DataFrameModel):
    class Config:
        strict = False
        coerce = False


class Customer(_Base):
    customer_id: str = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})
    name: str = pa.Field(nullable=False, str_length={"min_value": 1})


class Job(_Base):
    job_id: str = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})


class Invoice(_Base):
    invoice_id: str = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})
    invoice_number: str = pa.Field(nullable=False)
    total: pl.Decimal = pa.Field(nullable=False)
    invoice_date: pl.Date = pa.Field(nullable=False)


class InvoiceLine(_Base):
    invoice_id: str = pa.Field(nullable=False)
    line_no: pl.Int32 = pa.Field(nullable=False, ge=0)


class Payment(_Base):
    payment_id: str = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})
    amount: pl.Decimal = pa.Field(nullable=False)
    payment_date: pl.Date = pa.Field(nullable=False)


class PaymentApplication(_Base):
    payment_id: str = pa.Field(nullable=False)
    invoice_id: str = pa.Field(nullable=False)
    amount: pl.Decimal = pa.Field(nullable=False)


class TimeEntry(_Base):
    entry_id: str = pa.Field(nullable=False, unique=True, str_length={"min_value": 1})
    work_date: pl.Date = pa.Field(nullable=False)
    employee_id: str = pa.Field(nullable=False)


class Employee(_Base):
    employee_id: str = pa.Field(nullable=False, unique=True)


class CostCode(_Base):
    cost_code: str = pa.Field(nullable=False, unique=True)


MODELS: Final[dict[str, type[_Base]]] = {
    "customer": Customer,
    "job": Job,
    "invoice": Invoice,
    "invoice_line": InvoiceLine,
    "payment": Payment,
    "payment_application": PaymentApplication,
    "time_entry": TimeEntry,
    "employee": Employee,
    "cost_code": CostCode,
}

QUARANTINE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "entity": _S,
    "record_id": _S,
    "row": pl.Int64(),
    "field": _S,
    "value": _S,
    "reason": _S,
}

_HOUR_RANGE = ("regular_hours", "overtime_hours", "doubletime_hours")


def _cast_expr(column: str, dtype: pl.DataType, source: pl.DataType) -> pl.Expr:
    col = pl.col(column)
    if source == dtype:
        return col
    if source == pl.String:
        col = col.str.strip_chars()
        col = pl.when(col == "").then(None).otherwise(col)
        if dtype == pl.Date:
            return col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
        if isinstance(dtype, pl.Datetime):
            return col.str.to_datetime(strict=False, time_zone="UTC", time_unit="us")
        if dtype == pl.Boolean:
            low = col.str.to_lowercase()
            return (
                pl.when(low.is_in(["true", "t", "1", "yes", "y"]))
                .then(True)
                .when(low.is_in(["false", "f", "0", "no", "n"]))
                .then(False)
                .otherwise(None)
            )
        if isinstance(dtype, pl.Decimal):
            return col.str.replace_all(r"[$,]", "").cast(dtype, strict=False)
        return col.cast(dtype, strict=False)
    if isinstance(dtype, pl.Datetime) and isinstance(source, pl.Datetime):
        if source.time_zone is None:
            return col.dt.replace_time_zone("UTC").dt.cast_time_unit("us")
        return col.dt.convert_time_zone("UTC").dt.cast_time_unit("us")
    if isinstance(dtype, pl.Decimal) and source.is_float():
        # A float amount is rounded to the cent once, here, and never summed as float.
        return col.round(dtype.scale or 0).cast(pl.String).cast(dtype, strict=False)
    return col.cast(dtype, strict=False)


def _describe(dtype: pl.DataType) -> str:
    if isinstance(dtype, pl.Decimal):
        return f"a decimal with at most {dtype.scale} places"
    if dtype == pl.Date:
        return "a date (YYYY-MM-DD)"
    if isinstance(dtype, pl.Datetime):
        return "a timestamp (ISO 8601)"
    if dtype == pl.Boolean:
        return "true or false"
    return f"{dtype}"


def conform(
    entity: str, raw: pl.DataFrame, *, source: str = "input"
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cast a raw frame to the entity's canonical schema and quarantine bad rows.

    Args:
        entity: canonical entity name, e.g. ``"customer"``.
        raw: a frame with at least the required columns; extra columns are dropped,
            missing optional ones are added empty.
        source: a name for messages (a file path or a system).

    Returns:
        ``(valid, quarantine)``: rows that passed, and one row per problem found
        (``entity, record_id, row, field, value, reason``) where ``row`` is the
        1-based row of ``raw``.

    Raises:
        InputError: when a required column is missing altogether.
    """
    es = spec(entity)
    missing = [c for c in es.required if c not in raw.columns]
    if missing:
        raise InputError(
            f"missing required column(s) {', '.join(missing)} for {entity}",
            file=source,
            column=missing[0],
        )
    frame = raw.with_row_index("__row", offset=1)
    exprs: list[pl.Expr] = []
    for column, dtype in es.columns.items():
        if column in raw.columns:
            exprs.append(_cast_expr(column, dtype, raw.schema[column]).alias(column))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(column))
    typed = frame.select(pl.col("__row"), *exprs)

    problems: list[pl.DataFrame] = []
    id_col = es.id_column
    record_id = typed[id_col].cast(pl.String)
    for column, dtype in es.columns.items():
        if column not in raw.columns or raw.schema[column] == dtype:
            continue
        bad = frame[column].is_not_null() & typed[column].is_null()
        if isinstance(raw.schema[column], pl.String):
            bad = bad & (frame[column].str.strip_chars() != "")
        if bad.any():
            problems.append(
                pl.DataFrame(
                    {
                        "record_id": record_id.filter(bad),
                        "row": frame["__row"].filter(bad).cast(pl.Int64),
                        "field": column,
                        "value": frame[column].filter(bad).cast(pl.String),
                        "reason": f"cannot read the value as {_describe(dtype)}",
                    }
                )
            )
    for column in _HOUR_RANGE:
        if column in typed.columns:
            hours = typed[column]
            bad = hours.is_not_null() & ((hours < 0) | (hours > 24))
            if bad.any():
                problems.append(
                    pl.DataFrame(
                        {
                            "record_id": record_id.filter(bad),
                            "row": typed["__row"].filter(bad).cast(pl.Int64),
                            "field": column,
                            "value": hours.filter(bad).cast(pl.String),
                            "reason": "hours must be between 0 and 24 for one day",
                        }
                    )
                )
    try:
        MODELS[entity].validate(typed.drop("__row"), lazy=True)
    except SchemaErrors as exc:
        cases = exc.failure_cases.filter(pl.col("index").is_not_null())
        if cases.height:
            idx = cases["index"].cast(pl.Int64)
            problems.append(
                pl.DataFrame(
                    {
                        "record_id": record_id.gather(idx),
                        "row": typed["__row"].gather(idx).cast(pl.Int64),
                        "field": cases["column"],
                        "value": cases["failure_case"].cast(pl.String),
                        "reason": cases["check"].map_elements(_check_reason, return_dtype=_S),
                    }
                )
            )
    quarantine = (
        pl.concat(problems, how="vertical_relaxed").with_columns(pl.lit(entity).alias("entity"))
        if problems
        else pl.DataFrame(schema=QUARANTINE_SCHEMA)
    ).select(list(QUARANTINE_SCHEMA))
    quarantine = quarantine.cast(pl.Schema(QUARANTINE_SCHEMA)).unique(
        subset=["row", "field"], keep="first", maintain_order=True
    )
    valid = typed.filter(~pl.col("__row").is_in(quarantine["row"].implode())).drop("__row")
    return valid, quarantine.sort("row")


def _check_reason(check: str) -> str:
    reasons = {
        "not_nullable": "a value is required",
        "field_uniqueness": "the id appears more than once",
        "str_length(1, None)": "a value is required",
    }
    if check in reasons:
        return reasons[check]
    if check.startswith("greater_than_or_equal_to"):
        return f"value out of range ({check})"
    return f"failed check {check}"
