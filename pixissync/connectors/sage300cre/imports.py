"""PR Import Time files and the import ledger that makes them exactly-once.

Sage 300 CRE takes payroll time as an import file the payroll clerk runs in PR
(*Import Time*), and the import has no idempotency of its own. So:

* every line we write is first recorded in the **ledger** (a SQLite file in the
  drop folder, beside the import files) under our reference — a second push of
  the same reference finds it there and writes nothing;
* lines go to a ``.part`` file that becomes ``PRTIME_<utc>_<id>.txt`` only when
  the session finishes it, so the clerk never imports a file still being written
  and never re-imports one we appended to;
* a later read that finds the lines in job cost marks them *confirmed*; lines of
  finished files not seen after ``flag_after_runs`` reads are *flagged* for a person.

The ledger is written before the file line: a crash between the two leaves a
ledger line with no file line, which is flagged — never a duplicate paycheck line.
"""

from __future__ import annotations

import csv
import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl

from pixissync.connectors.sage300cre.config import Sage300Settings

LEDGER_NAME = "pixissync_import_ledger.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS import_files (
    file TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL,
    created_at TEXT NOT NULL, finished_at TEXT
);
CREATE TABLE IF NOT EXISTS import_lines (
    reference TEXT NOT NULL, seq INTEGER NOT NULL, file TEXT NOT NULL, line_no INTEGER NOT NULL,
    employee TEXT NOT NULL, work_date TEXT NOT NULL, job TEXT NOT NULL, extra TEXT,
    cost_code TEXT NOT NULL, pay_id TEXT NOT NULL, units TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', runs_unconfirmed INTEGER NOT NULL DEFAULT 0,
    written_at TEXT NOT NULL, confirmed_at TEXT,
    PRIMARY KEY (reference, seq)
);
"""


@dataclass(frozen=True)
class TimeLine:
    """One line of a PR Import Time file: one pay ID's hours for a day, job and cost code."""

    employee: str
    work_date: date
    job: str
    extra: str
    cost_code: str
    pay_id: str
    units: Decimal
    reference: str

    def fields(self, s: Sage300Settings) -> list[str]:
        """The line's values in the order of the site's Time Entry view."""
        values = {
            "Employee": self.employee,
            "Job": self.job,
            "Extra": self.extra,
            "Cost_Code": self.cost_code,
            "Category": s.category,
            "Department": s.department,
            "Pay_ID": self.pay_id,
            "Units": format(self.units, "f"),
            "Date": self.work_date.strftime(s.date_format),
            "Description": self.reference,
        }
        return [values.get(column, "") for column in s.time_view]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ImportLedger:
    """The ledger of import lines, kept in the drop folder so it travels with the files."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / LEDGER_NAME
        self._db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        # WAL: a reader (the console) never blocks apply; NORMAL: a commit survives a
        # crash of PixisSync; a power cut can lose the last ones, with the unsynced file tail.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def lines_of(self, reference: str) -> list[tuple[str, int, str]]:
        """``(file, line_no, status)`` of every line recorded under ``reference``."""
        rows = self._db.execute(
            "SELECT file, line_no, status FROM import_lines WHERE reference = ? ORDER BY seq",
            (reference,),
        ).fetchall()
        return [(str(f), int(n), str(s)) for f, n, s in rows]

    def open_file(self, file: str, kind: str) -> None:
        self._db.execute(
            "INSERT INTO import_files (file, kind, state, created_at) VALUES (?, ?, 'writing', ?)",
            (file, kind, _now()),
        )

    def finish_file(self, file: str) -> None:
        self._db.execute(
            "UPDATE import_files SET state = 'ready', finished_at = ? WHERE file = ?",
            (_now(), file),
        )

    def record(self, file: str, first_line: int, lines: Sequence[TimeLine]) -> None:
        """Record lines under their reference in one transaction."""
        now = _now()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT INTO import_lines (reference, seq, file, line_no, employee, work_date, "
                "job, extra, cost_code, pay_id, units, written_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        ln.reference,
                        n,
                        file,
                        first_line + n,
                        ln.employee,
                        ln.work_date.isoformat(),
                        ln.job,
                        ln.extra,
                        ln.cost_code,
                        ln.pay_id,
                        format(ln.units, "f"),
                        now,
                    )
                    for n, ln in enumerate(lines)
                ],
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def reconcile(self, seen: pl.DataFrame, flag_after: int) -> dict[str, int]:
        """Confirm pending lines found in ``seen``; count a run for the rest; flag the old ones.

        Args:
            seen: PR cost rows read from Sage (``Description, Employee, Date, Job,
                Cost_Code, Pay_ID, Units``).

        Returns:
            how many lines were confirmed, are still pending and are flagged.
        """
        pending = pl.DataFrame(
            self._db.execute(
                "SELECT l.reference, l.seq, l.employee, l.work_date, l.job, l.cost_code, "
                "l.pay_id, l.units FROM import_lines l JOIN import_files f ON f.file = l.file "
                "WHERE l.status IN ('pending', 'flagged') AND f.state = 'ready'"
            ).fetchall(),
            schema=[
                "reference",
                "seq",
                "employee",
                "work_date",
                "job",
                "cost_code",
                "pay_id",
                "units",
            ],
            orient="row",
        )
        if pending.height:
            found = seen.select(
                pl.col("Description").alias("reference"),
                pl.col("Employee").alias("employee"),
                pl.col("Date").cast(pl.String).alias("work_date"),
                pl.col("Job").alias("job"),
                pl.col("Cost_Code").alias("cost_code"),
                pl.col("Pay_ID").alias("pay_id"),
                pl.col("Units").cast(pl.Decimal(12, 2)).cast(pl.String).alias("units"),
            )
            # Our reference rides in the description when the view has one; the
            # natural key (employee, day, job, code, pay ID, hours) confirms otherwise.
            by_ref = pending.join(
                found.select("reference", "pay_id").unique(), on=["reference", "pay_id"]
            )
            natural = ["employee", "work_date", "job", "cost_code", "pay_id"]
            by_key = pending.with_columns(
                pl.col("units").cast(pl.Decimal(12, 2)).cast(pl.String)
            ).join(found.drop("reference").unique(), on=[*natural, "units"])
            confirmed = pl.concat(
                [by_ref.select("reference", "seq"), by_key.select("reference", "seq")]
            ).unique()
            now = _now()
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(
                "UPDATE import_lines SET status = 'confirmed', confirmed_at = ? "
                "WHERE reference = ? AND seq = ?",
                [(now, r, s) for r, s in confirmed.iter_rows()],
            )
            self._db.execute(
                "UPDATE import_lines SET runs_unconfirmed = runs_unconfirmed + 1 "
                "WHERE status = 'pending' AND file IN "
                "(SELECT file FROM import_files WHERE state = 'ready')"
            )
            self._db.execute(
                "UPDATE import_lines SET status = 'flagged' "
                "WHERE status = 'pending' AND runs_unconfirmed >= ?",
                (flag_after,),
            )
            self._db.execute("COMMIT")
        return self.counts()

    def counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT status, COUNT(*) FROM import_lines GROUP BY status")
        out = {"confirmed": 0, "pending": 0, "flagged": 0}
        out.update({str(s): int(n) for s, n in rows})
        return out

    def lines(self) -> pl.DataFrame:
        """Every ledger line, for the console and for a person chasing flagged ones."""
        cur = self._db.execute(
            "SELECT reference, seq, file, line_no, employee, work_date, job, cost_code, pay_id, "
            "units, status, runs_unconfirmed, written_at, confirmed_at FROM import_lines "
            "ORDER BY file, line_no"
        )
        names = [d[0] for d in cur.description]
        return pl.DataFrame(cur.fetchall(), schema=names, orient="row")


class TimeImportFile:
    """The session's PR Import Time file: lines appended to ``.part``, renamed when finished."""

    def __init__(self, settings: Sage300Settings, ledger: ImportLedger) -> None:
        self.settings = settings
        self.ledger = ledger
        self.final: Path | None = None
        self.lines_written = 0

    @property
    def part(self) -> Path | None:
        return self.final.with_suffix(".part") if self.final else None

    def add(self, lines: Sequence[TimeLine]) -> tuple[str, int]:
        """Record the lines in the ledger, then append them; return ``(file name, first line)``."""
        if self.final is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            self.final = self.settings.drop_path / f"PRTIME_{stamp}_{uuid.uuid4().hex[:6]}.txt"
            self.ledger.open_file(self.final.name, "PR Import Time")
        first = self.lines_written + 1
        self.ledger.record(self.final.name, first, lines)
        assert self.part is not None
        with self.part.open("a", newline="", encoding="cp1252", errors="replace") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerows(line.fields(self.settings) for line in lines)
        self.lines_written += len(lines)
        return self.final.name, first

    def finish(self) -> Path | None:
        """Make the file visible to the payroll clerk (``.part`` -> ``.txt``)."""
        if self.final is None or self.part is None or not self.part.exists():
            return None
        self.part.replace(self.final)
        self.ledger.finish_file(self.final.name)
        done, self.final, self.lines_written = self.final, None, 0
        return done
