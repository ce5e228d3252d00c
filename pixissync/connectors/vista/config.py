"""Settings of one Vista company, as a site configures them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pixissync.errors import ConfigError


@dataclass(frozen=True)
class VistaSettings:
    """Which Vista company, groups and codes PixisSync works in.

    Args:
        url: SQLAlchemy URL, e.g. ``mssql+pyodbc://svc_pixis@SERVER\\VIEWPOINT/Viewpoint?
            driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes``.
        co: the AR/JC/PR company number (``ARCo``/``JCCo``/``PRCo``; one company).
        login: the SQL login that owns our batches (``InUseBy``/``CreatedBy``); on SQL
            Server it must equal ``SUSER_SNAME()`` of the connection, because Vista
            only lets the creating login validate and post.
        earn_codes: canonical hour column -> Vista ``EarnCode``.
        earn_factors: canonical hour column -> rate factor (1.5 for overtime...).
        default_gl_account: revenue account for invoice lines that carry none.
        server_timezone: the zone Vista's ``smalldatetime`` audit times are in.
        post_batches: call validation and posting after each write (only where the
            site allows it; otherwise a Vista user posts the batch).
        audit_writes: write ``bHQMA`` rows ourselves; only for the stand-in, whose
            tables have no triggers. Never on a real Vista.
        page_size: rows per keyset page.
    """

    url: str
    co: int = 1
    cust_group: int = 1
    phase_group: int = 1
    gl_co: int = 1
    login: str = "pixissync"
    earn_codes: dict[str, int] = field(
        default_factory=lambda: {"regular_hours": 1, "overtime_hours": 2, "doubletime_hours": 3}
    )
    earn_factors: dict[str, str] = field(
        default_factory=lambda: {
            "regular_hours": "1.0",
            "overtime_hours": "1.5",
            "doubletime_hours": "2.0",
        }
    )
    default_gl_account: str = "4000"
    server_timezone: str = "UTC"
    post_batches: bool = False
    audit_writes: bool = False
    page_size: int = 5000
    engine_options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.url:
            raise ConfigError("vista: 'url' (a SQLAlchemy database URL) is required")
        if self.page_size < 1:
            raise ConfigError(f"vista: page_size must be positive, got {self.page_size}")
        try:
            ZoneInfo(self.server_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"vista: server_timezone {self.server_timezone!r} is not a known time zone"
            ) from None
        unknown = set(self.earn_codes) - {"regular_hours", "overtime_hours", "doubletime_hours"}
        if unknown:
            raise ConfigError(f"vista: earn_codes has unknown hour columns {sorted(unknown)}")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.server_timezone)
