"""The ``files`` connector: a folder of canonical ``<entity>.csv`` or ``.parquet`` files.

Reads every column of a CSV as text and lets :func:`pixissync.model.conform`
type it, so a bad cell is quarantined with its row and field instead of
failing the file. The last pull's quarantine per entity is kept in
:attr:`FilesConnector.quarantine` for the sync to report — never dropped silently.

Writes (the payments flow writes ERP payments back to the field side) append or
update rows in the entity's file, stamping ``external_ref`` with our reference
and ``updated_at`` with the time of the write; files are replaced atomically
(write to a temporary file, then rename) so a crash never leaves half a file.
A payment's ``applications`` are written to ``payment_application``.
One writer at a time: two processes writing the same folder at once could lose
a row (apply runs one batch at a time, which is what we rely on).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from pixissync.connectors.base import Change, CheckResult, PushResult
from pixissync.errors import (
    AmbiguousReferenceError,
    ConfigError,
    InputError,
    PermanentError,
    TransientError,
)
from pixissync.model import ENTITIES, conform, empty_frame

WRITABLE = frozenset(e for e, spec in ENTITIES.items() if "external_ref" in spec.columns)


def _text(value: Any) -> str | None:
    """A canonical value as the text a CSV holds (money exact, timestamps with Z)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class FilesConnector:
    """Canonical CSV/Parquet files in one folder, one file per entity.

    Args:
        path: the folder (``customer.csv``, ``invoice.parquet``, ...).
        system: the name used in messages and quarantine sources.
    """

    name: ClassVar[str] = "files"
    pulls: ClassVar[frozenset[str]] = frozenset(ENTITIES)
    pushes: ClassVar[frozenset[str]] = WRITABLE

    def __init__(self, path: str | Path, system: str = "files") -> None:
        self.folder = Path(path)
        self.system = system
        self.quarantine: dict[str, pl.DataFrame] = {}

    # -- reading --------------------------------------------------------------------

    def _file(self, entity: str) -> Path | None:
        for suffix in (".parquet", ".csv"):
            candidate = self.folder / f"{entity}{suffix}"
            if candidate.exists():
                return candidate
        return None

    def _raw(self, entity: str) -> tuple[pl.DataFrame, Path | None]:
        """The entity's file as text columns (an absent file is an empty entity)."""
        if entity not in ENTITIES:
            raise PermanentError(f"files connector has no entity {entity!r}")
        if not self.folder.is_dir():
            raise ConfigError(f"files connector: folder {self.folder} does not exist")
        path = self._file(entity)
        if path is None:
            return empty_frame(entity).cast(pl.String), None
        try:
            if path.suffix == ".parquet":
                raw = pl.read_parquet(path)
            else:
                raw = pl.read_csv(path, infer_schema=False, encoding="utf8")
        except OSError as exc:
            raise TransientError(f"cannot read {path}", system_message=str(exc)) from exc
        except pl.exceptions.PolarsError as exc:
            raise InputError(f"cannot parse the file: {exc}", file=str(path)) from exc
        return raw, path

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        """Rows of the entity, conformed; only those updated after ``since`` when given.

        Entities without ``updated_at`` (invoice lines, payment applications) come
        whole: their parents carry the change date.
        """
        raw, path = self._raw(entity)
        valid, bad = conform(entity, raw, source=str(path or self.folder / entity))
        self.quarantine[entity] = bad
        if since is not None and "updated_at" in valid.columns:
            moment = since if since.tzinfo else since.replace(tzinfo=UTC)
            valid = valid.filter(pl.col("updated_at") > moment)
        return valid

    def find(self, entity: str, reference: str) -> str | None:
        """The id of the row whose ``external_ref`` is ``reference``, if any."""
        if entity not in WRITABLE:
            raise PermanentError(f"{entity} rows carry no external_ref to find")
        raw, _ = self._raw(entity)
        if "external_ref" not in raw.columns:
            return None
        id_column = ENTITIES[entity].id_column
        ids = raw.filter(pl.col("external_ref").cast(pl.String) == reference)[id_column]
        if ids.len() > 1:
            raise AmbiguousReferenceError(
                f"{ids.len()} {entity} rows in {self.folder} carry {reference!r}: "
                + ", ".join(ids.cast(pl.String).to_list())
            )
        return str(ids[0]) if ids.len() else None

    # -- writing --------------------------------------------------------------------

    def push(self, change: Change) -> PushResult:
        """Append (create) or change (update) one row; a create is never made twice."""
        if change.entity not in WRITABLE:
            raise PermanentError(f"files connector cannot write {change.entity} rows")
        spec = ENTITIES[change.entity]
        values = {k: v for k, v in change.values.items() if k != "applications"}
        values.update(change.parents)
        unknown = sorted(set(values) - set(spec.columns))
        if unknown:
            raise PermanentError(f"{change.entity} has no field {unknown[0]!r}")
        raw, path = self._raw(change.entity)
        raw = raw.cast(pl.String)
        for column in spec.columns:
            if column not in raw.columns:
                raw = raw.with_columns(pl.lit(None, dtype=pl.String).alias(column))
        row = {column: _text(value) for column, value in values.items()}
        row["updated_at"] = _text(datetime.now(UTC))
        id_column = spec.id_column
        if change.action == "create":
            existing = self.find(change.entity, change.reference)
            if existing is not None:
                return PushResult(
                    existing, created=False, message="already written (found by reference)"
                )
            target = str(values.get(id_column) or self._new_id(change.reference))
            row.update({id_column: target, "external_ref": change.reference})
            if raw.filter(pl.col(id_column) == target).height:
                raise PermanentError(f"{change.entity} id {target!r} is already used")
            added = pl.DataFrame([{c: row.get(c) for c in raw.columns}], schema=raw.schema)
            frame = pl.concat([raw, added])
        else:
            target = str(change.target_id or "")
            match = pl.col(id_column) == target
            if not target or not raw.filter(match).height:
                raise PermanentError(f"no {change.entity} with id {target!r} to update")
            frame = raw.with_columns(
                pl.when(match).then(pl.lit(row[c], dtype=pl.String)).otherwise(pl.col(c)).alias(c)
                for c in row
                if c != id_column
            )
        self._write(change.entity, frame, path)
        applications = change.values.get("applications")
        if change.entity == "payment" and applications:
            self._write_applications(target, applications)
        return PushResult(target, created=change.action == "create")

    @staticmethod
    def _new_id(reference: str) -> str:
        # Derived from our reference: stable across retries, unique per source record.
        return "PXS-" + hashlib.sha1(reference.encode()).hexdigest()[:12].upper()

    def _write_applications(self, payment_id: str, applications: list[dict[str, Any]]) -> None:
        raw, path = self._raw("payment_application")
        raw = raw.cast(pl.String).filter(pl.col("payment_id") != payment_id)
        rows = [
            {
                "payment_id": payment_id,
                "invoice_id": _text(app.get("invoice_id")),
                "amount": _text(app.get("amount")),
            }
            for app in applications
        ]
        added = pl.DataFrame(
            rows, schema={c: pl.String for c in ("payment_id", "invoice_id", "amount")}
        )
        self._write("payment_application", pl.concat([raw.select(added.columns), added]), path)

    def _write(self, entity: str, frame: pl.DataFrame, path: Path | None) -> None:
        target = path or self.folder / f"{entity}.csv"
        handle, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{entity}.", suffix=target.suffix)
        os.close(handle)
        try:
            if target.suffix == ".parquet":
                frame.write_parquet(temp)
            else:
                frame.write_csv(temp)
            os.replace(temp, target)
        except PermissionError as exc:
            raise PermanentError(f"cannot write {target}", system_message=str(exc)) from exc
        except OSError as exc:
            raise TransientError(f"cannot write {target}", system_message=str(exc)) from exc
        finally:
            if os.path.exists(temp):
                os.unlink(temp)

    # -- health ---------------------------------------------------------------------

    def check(self) -> list[CheckResult]:
        """Is the folder there and writable, and which entity files does it hold."""
        if not self.folder.is_dir():
            return [CheckResult("folder", False, f"{self.folder} does not exist")]
        results = [CheckResult("folder", True, f"reading {self.folder}")]
        present = [e for e in ENTITIES if self._file(e) is not None]
        results.append(
            CheckResult(
                "files",
                bool(present),
                f"found {', '.join(present)}" if present else "no <entity>.csv or .parquet files",
            )
        )
        results.append(
            CheckResult(
                "writable",
                os.access(self.folder, os.W_OK),
                "payments can be written back"
                if os.access(self.folder, os.W_OK)
                else "the folder is read-only; write-back will fail",
            )
        )
        return results

    def close(self) -> None:
        """Nothing to release: files are opened per call."""
