"""Settings of one Sage 300 CRE company: the ODBC connection and the import drop folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pixissync.errors import ConfigError

# The Time Entry view column order of a default PR "Import Time" setup
# (reference: Employee, Job, JC extra, JC cost code, Department, Pay ID, Units, Date...).
DEFAULT_TIME_VIEW: tuple[str, ...] = (
    "Employee",
    "Job",
    "Extra",
    "Cost_Code",
    "Category",
    "Department",
    "Pay_ID",
    "Units",
    "Date",
    "Description",
)
TIME_VIEW_FIELDS = frozenset(DEFAULT_TIME_VIEW) | {"Rate", "Work_Comp", "Union", "Blank"}


@dataclass(frozen=True)
class Sage300Settings:
    """Where the Timberline data is and how PixisSync writes import files.

    Args:
        data_folder: the company data folder (``DBQ``), e.g. ``\\\\SAGE\\Timberline\\Data\\ABC``.
        uid, pwd: the Sage 300 CRE user with the "ODBC Service User" role. The
            password is only put in the connection string, never in messages.
        driver: ODBC driver name; ``Timberline Data`` is 32-bit, so the Python that
            runs PixisSync must be 32-bit too on the Sage server.
        connection_string: a complete string instead (the stand-in uses SQLite3's).
        drop_folder: where import files are written for the payroll clerk.
        time_view: column order of the site's PR Time Entry view; the import file
            must match it column for column.
        pay_ids: canonical hour column -> Sage 300 Pay ID.
        category: JC category for labor lines (``L`` by default).
        flag_after_runs: a line not seen in the data after this many reads is flagged.
        timezone: the zone of the server's ``date_stamp``/``time_stamp``.
    """

    data_folder: str = ""
    uid: str = ""
    pwd: str = field(default="", repr=False)
    driver: str = "Timberline Data"
    connection_string: str = field(default="", repr=False)
    drop_folder: str = ""
    time_view: tuple[str, ...] = DEFAULT_TIME_VIEW
    date_format: str = "%m/%d/%Y"
    pay_ids: dict[str, str] = field(
        default_factory=lambda: {
            "regular_hours": "REG",
            "overtime_hours": "OT",
            "doubletime_hours": "DT",
        }
    )
    category: str = "L"
    department: str = ""
    flag_after_runs: int = 3
    timezone: str = "UTC"
    fetch_size: int = 5000

    def __post_init__(self) -> None:
        if not self.connection_string and not self.data_folder:
            raise ConfigError("sage300cre: set 'data_folder' (DBQ) or a full 'connection_string'")
        unknown = [c for c in self.time_view if c not in TIME_VIEW_FIELDS]
        if unknown:
            raise ConfigError(
                f"sage300cre: time_view has unknown column(s) {unknown}; "
                f"known: {sorted(TIME_VIEW_FIELDS)}"
            )
        for needed in ("Employee", "Job", "Cost_Code", "Pay_ID", "Units", "Date"):
            if needed not in self.time_view:
                raise ConfigError(f"sage300cre: time_view must include {needed!r}")
        if self.flag_after_runs < 1:
            raise ConfigError("sage300cre: flag_after_runs must be at least 1")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"sage300cre: unknown time zone {self.timezone!r}") from None

    def odbc_string(self) -> str:
        """The Timberline Data connection string (reference parameters), or the override."""
        if self.connection_string:
            return self.connection_string
        return (
            f"DRIVER={{{self.driver}}};DBQ={self.data_folder};UID={self.uid};PWD={self.pwd};"
            "DatabaseType=1;StandardMode=1;DictionaryMode=0;CustomMode=0;MaxColSupport=1536;"
            "ShortenNames=0;CODEPAGE=1252;KeepFilesOpen=0"
        )

    def redacted(self) -> str:
        """The connection string with the password hidden, for messages."""
        parts = [
            "PWD=***" if p.upper().startswith("PWD=") else p for p in self.odbc_string().split(";")
        ]
        return ";".join(parts)

    @property
    def drop_path(self) -> Path:
        if not self.drop_folder:
            raise ConfigError("sage300cre: 'drop_folder' is required to write import files")
        return Path(self.drop_folder)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
