"""What the REST connectors share: canonical frames from records, create-once, checks."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

import polars as pl

from pixissync.connectors.base import CheckResult, PushResult
from pixissync.connectors.http.client import RestClient
from pixissync.errors import InputError, PixisSyncError, TransientError
from pixissync.model import conform, empty_frame, spec

log = logging.getLogger(__name__)


def text(value: Any) -> str | None:
    """A JSON value as the canonical string form (exact for Decimals and dates)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def from_unix(value: Any) -> datetime | None:
    """Unix seconds (int, Decimal or numeric string) as a UTC timestamp."""
    if value is None or value == "":
        return None
    return datetime.fromtimestamp(float(value), UTC)


def to_unix(value: datetime) -> int:
    """A timestamp as Unix seconds; a naive one is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


class RestConnector(ABC):
    """Base class of the REST connectors.

    Subclasses set ``name``, ``pulls`` and ``pushes`` and implement the pull of
    each entity as ``_pull_<entity>(since)`` returning raw rows (dicts in
    canonical column names); :meth:`pull` types and validates them with
    :func:`pixissync.model.conform`. Rows that fail are kept in
    ``self.quarantine[entity]`` for the snapshot's quarantine table.
    """

    name: ClassVar[str] = "rest"
    pulls: ClassVar[frozenset[str]] = frozenset()
    pushes: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, client: RestClient) -> None:
        self.client = client
        self.quarantine: dict[str, pl.DataFrame] = {}

    def pull(self, entity: str, since: datetime | None = None) -> pl.DataFrame:
        """Return ``entity`` in canonical columns, only rows changed after ``since``."""
        if entity not in self.pulls:
            raise InputError(
                f"{self.name} cannot pull {entity!r}; it offers: {', '.join(sorted(self.pulls))}"
            )
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        rows: list[dict[str, Any]] = list(getattr(self, f"_pull_{entity}")(since))
        frame = self.frame(entity, rows)
        if since is not None and "updated_at" in frame.columns:
            # Servers filter to the second (ServiceTrade) or inclusively (Rhumbix):
            # keep exactly the rows changed after ``since``.
            frame = frame.filter(pl.col("updated_at").is_null() | (pl.col("updated_at") > since))
        return frame

    def frame(self, entity: str, rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
        """Canonical frame from raw rows; bad rows go to ``self.quarantine[entity]``."""
        columns = list(spec(entity).columns)
        data: dict[str, list[str | None]] = {c: [] for c in columns}
        for row in rows:
            for column in columns:
                data[column].append(text(row.get(column)))
        if not data[columns[0]]:
            self.quarantine[entity] = pl.DataFrame()
            return empty_frame(entity)
        raw = pl.DataFrame(data, schema=dict.fromkeys(columns, pl.String()))
        valid, quarantine = conform(entity, raw, source=self.name)
        self.quarantine[entity] = quarantine
        if quarantine.height:
            log.warning("%s: %d %s row(s) quarantined", self.name, quarantine.height, entity)
        return valid

    def create_once(
        self,
        entity: str,
        reference: str,
        create: Callable[[], str],
        *,
        attempts: int = 4,
    ) -> PushResult:
        """Create a record unless one carrying ``reference`` exists, exactly once.

        A create whose answer was lost (dropped connection, timeout) may have
        happened: before every attempt we look for our reference again.
        """
        last: TransientError | None = None
        for _ in range(attempts):
            existing = self.find(entity, reference)
            if existing is not None:
                return PushResult(existing, created=False, message="already present")
            try:
                return PushResult(create(), created=True)
            except TransientError as exc:
                last = exc
        assert last is not None
        raise last

    @abstractmethod
    def find(self, entity: str, reference: str) -> str | None:
        """The key of the record carrying ``reference``, if any."""

    @abstractmethod
    def _probe(self) -> None:
        """Make one cheap authenticated request (for ``check``)."""

    def check(self) -> list[CheckResult]:
        """Log in and read one page; report what works in plain words."""
        try:
            self._probe()
        except PixisSyncError as exc:
            return [CheckResult(f"{self.name} API", False, str(exc))]
        return [
            CheckResult(
                f"{self.name} API", True, f"signed in to {self.client.http.base_url} and read data"
            )
        ]

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()
