"""Connect to a company's Sage 100 Contractor database on SQL Server (production mode).

Sage 100 Contractor keeps one database per company on the instance
``<host>\\SAGE100CON``. We read it through SQLAlchemy ``mssql+pyodbc`` with an
ODBC connection string built here from the profile's settings::

    [connections.erp]
    system = "sage100c"
    mode = "production"
    host = "ACCTSRV\\\\SAGE100CON"
    company = "Acme Mechanical"          # the company database
    login = "pixissync"                  # a SQL login
    password_env = "SAGE100C_PASSWORD"   # the home passes it as ``password``
    app_name = "PixisSync"               # must be on the company's allowed list
    driver = "ODBC Driver 18 for SQL Server"   # or "FreeTDS"

The password never goes into the SQLAlchemy URL: the engine's URL (and so its
repr, logs and error messages) carries the connection string without ``PWD``,
and the password is added to the driver's arguments only at connect time.

Some companies install a logon trigger that admits only listed application
names; SQL Server then refuses the login with error 17892, which
:func:`database_error` turns into a ConfigError telling the site what to add.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from pixissync.errors import ConfigError, ConnectorError, PermanentError, TransientError

DRIVERS: Final = ("ODBC Driver 18 for SQL Server", "ODBC Driver 17 for SQL Server", "FreeTDS")
DEFAULT_INSTANCE: Final = "SAGE100CON"
# SQL Server errors that only a site's configuration can fix, with what to tell the site.
_CONFIG_ERRORS: Final = {
    "17892": "the company's logon trigger refused application name {app!r}: add {app!r} to the "
    "allowed application names of company {company!r} (or set app_name to a listed one)",
    "18456": "SQL Server refused login {login!r}: check the login and its password, and that it "
    "is a SQL login with sysadmin and a Company Administrator user in Sage",
    "4060": "database {company!r} cannot be opened by login {login!r}: check the company name "
    "and the login's access to it",
}
# unixODBC / Windows driver manager: the named driver is not installed.
_NO_DRIVER: Final = ("Can't open lib", "IM002", "Data source name not found")
# Connection-level trouble worth retrying (SQLSTATE 08xxx, HYT00 timeout, deadlock 1205).
_TRANSIENT_MARKERS: Final = ("08001", "08S01", "08004", "HYT00", "HYT01", "(1205)", "40001")


def _odbc_value(value: str) -> str:
    """A value quoted for an ODBC connection string when it needs it (``{...}``, ``}}``)."""
    if any(ch in value for ch in ";{}=") or value != value.strip():
        return "{" + value.replace("}", "}}") + "}"
    return value


@dataclass(frozen=True)
class ProductionSettings:
    """Where the company database is and how we log in (password kept out of repr).

    Args:
        host: ``HOST\\INSTANCE`` (instance defaults to ``SAGE100CON``) or ``HOST`` with ``port``.
        company: the company database name.
        login: the SQL login (sysadmin + Company Administrator, member of group "API").
        password: the login's password (the home resolves it from ``password_env``).
        app_name: the application name sent as ``APP=``; must be on the allowed list.
        driver: an ODBC driver name, see :data:`DRIVERS`.
        port: a fixed TCP port instead of the SQL Browser's instance lookup.
        trust_server_certificate: accept the server's self-signed certificate (Sage's
            default install has one); ``Encrypt=yes`` is always asked for.
        login_timeout: seconds to wait for the login before it counts as unreachable.
    """

    host: str
    company: str
    login: str
    password: str = field(default="", repr=False)
    app_name: str = "PixisSync"
    driver: str = DRIVERS[0]
    port: int | None = None
    trust_server_certificate: bool = True
    login_timeout: int = 15

    def __post_init__(self) -> None:
        for name in ("host", "company", "login", "app_name"):
            if not str(getattr(self, name)).strip():
                raise ConfigError(f"sage100c production: setting {name!r} is required")
        if self.driver not in DRIVERS:
            raise ConfigError(
                f"sage100c production: driver {self.driver!r} is not supported; "
                f"use one of {', '.join(DRIVERS)}"
            )
        if len(self.app_name) > 128:
            raise ConfigError("sage100c production: app_name is longer than SQL Server's 128")

    @property
    def freetds(self) -> bool:
        return self.driver == "FreeTDS"

    @property
    def server(self) -> str:
        """The SERVER= value: ``HOST\\SAGE100CON`` by default, ``HOST,port`` with a port."""
        host = self.host.strip()
        if self.port is not None:
            bare = host.split("\\", 1)[0]
            return bare if self.freetds else f"{bare},{self.port}"
        return host if "\\" in host else f"{host}\\{DEFAULT_INSTANCE}"

    def odbc_string(self) -> str:
        """The ODBC connection string without the password (safe to show)."""
        parts: list[tuple[str, str]] = [
            ("DRIVER", "{" + self.driver + "}"),
            ("SERVER", _odbc_value(self.server)),
        ]
        if self.freetds:
            if self.port is not None:
                parts.append(("PORT", str(self.port)))
            # TDS 7.4 is SQL Server 2012+, what Sage 100 Contractor installs.
            parts.append(("TDS_Version", "7.4"))
        parts += [
            ("DATABASE", _odbc_value(self.company)),
            ("UID", _odbc_value(self.login)),
            ("APP", _odbc_value(self.app_name)),
        ]
        if not self.freetds:
            parts.append(("Encrypt", "yes"))
            parts.append(
                ("TrustServerCertificate", "yes" if self.trust_server_certificate else "no")
            )
        return ";".join(f"{key}={value}" for key, value in parts)

    def url(self) -> URL:
        """The SQLAlchemy URL (no password in it)."""
        return URL.create("mssql+pyodbc", query={"odbc_connect": self.odbc_string()})

    def describe(self) -> str:
        """One line for check() and logs: where, who, as which application."""
        return (
            f"{self.server} database {self.company!r} as {self.login!r} "
            f"(app {self.app_name!r}, {self.driver})"
        )


def production_engine(settings: ProductionSettings, **engine_options: Any) -> Engine:
    """An ``mssql+pyodbc`` engine whose password is given to the driver only at connect time."""
    engine = create_engine(
        settings.url(),
        pool_pre_ping=True,
        **engine_options,
    )
    password = settings.password
    timeout = settings.login_timeout

    @event.listens_for(engine, "do_connect")
    def _with_password(
        _dialect: Any, _record: Any, cargs: list[Any], cparams: dict[str, Any]
    ) -> None:
        cargs[0] = f"{cargs[0]};PWD={_odbc_value(password)}"
        cparams.setdefault("timeout", timeout)

    return engine


def _scrub(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def database_error(
    exc: DBAPIError | PoolTimeoutError,
    doing: str,
    settings: ProductionSettings | None = None,
) -> ConfigError | ConnectorError:
    """The PixisSync error for a database failure, with the password scrubbed.

    Args:
        exc: what SQLAlchemy raised.
        doing: what we were doing, e.g. ``"cannot read Sage 100 Contractor"``.
        settings: the production settings, to name app, login and company in
            configuration errors (None in sandbox mode).

    Returns:
        ConfigError for what only the site can fix (ODBC driver missing, app name
        not allowed, login refused, unknown company); TransientError for dropped
        connections, timeouts and deadlocks; PermanentError for anything else.
    """
    secret = settings.password if settings is not None else ""
    message = _scrub(str(exc.orig if isinstance(exc, DBAPIError) else exc), secret)
    if settings is not None and any(marker in message for marker in _NO_DRIVER):
        return ConfigError(
            f"{doing}: ODBC driver {settings.driver!r} is not installed on this machine; install "
            "Microsoft's msodbcsql18 or FreeTDS (Debian: tdsodbc) and set driver accordingly "
            f"[{message}]"
        )
    if settings is not None:
        for code, advice in _CONFIG_ERRORS.items():
            if f"({code})" in message or f"error {code}" in message.lower():
                text = advice.format(
                    app=settings.app_name, login=settings.login, company=settings.company
                )
                return ConfigError(f"{doing}: {text} [SQL Server: {message}]")
    if isinstance(exc, OperationalError | PoolTimeoutError) or any(
        marker in message for marker in _TRANSIENT_MARKERS
    ):
        return TransientError(doing, system_message=message)
    return PermanentError(doing, system_message=message)
