"""Production settings: the ODBC connection string, the password kept out of sight, errors.

There is no SQL Server here, so connections go through the real unixODBC driver
manager and FreeTDS driver to a closed port on 127.0.0.1: what a site sees when
the server is down. Error 17892 (a logon trigger refusing the application name)
is raised by SQL Server itself; it is fed to the connector as the pyodbc error
SQL Server would cause, from a ``do_connect`` hook.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyodbc
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from pixissync.connectors import create
from pixissync.connectors.sage100c.connector import Sage100cConnector
from pixissync.connectors.sage100c.production import ProductionSettings, database_error
from pixissync.errors import ConfigError, PermanentError, TransientError
from pixissync.home import Home

PASSWORD = "S3cr;et}pw"
LOGON_TRIGGER = (
    "[42000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Logon failed for login "
    "'pixissync' due to trigger execution. (17892) (SQLDriverConnect)"
)


def _settings(**overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "mode": "production",
        "host": "ACCTSRV\\SAGE100CON",
        "company": "Acme Mechanical",
        "login": "pixissync",
        "password": PASSWORD,
        "app_name": "PixisSync Sync",
    }
    return {**settings, **overrides}


@pytest.fixture
def down() -> Iterator[Sage100cConnector]:
    """A production connector (FreeTDS) pointed at a closed port on this machine."""
    connector = Sage100cConnector(**_settings(host="127.0.0.1", port=1, driver="FreeTDS"))
    yield connector
    connector.close()


def test_odbc_string_for_driver_18_names_instance_app_and_certificate() -> None:
    settings = ProductionSettings(
        host="ACCTSRV\\SAGE100CON",
        company="Acme Mechanical",
        login="pixissync",
        password=PASSWORD,
        app_name="PixisSync Sync",
    )
    assert settings.odbc_string() == (
        "DRIVER={ODBC Driver 18 for SQL Server};SERVER=ACCTSRV\\SAGE100CON;"
        "DATABASE=Acme Mechanical;UID=pixissync;APP=PixisSync Sync;"
        "Encrypt=yes;TrustServerCertificate=yes"
    )
    assert settings.url().drivername == "mssql+pyodbc"
    assert settings.url().query["odbc_connect"] == settings.odbc_string()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"host": "ACCTSRV"}, "SERVER=ACCTSRV\\SAGE100CON;"),
        ({"host": "ACCTSRV\\OTHER"}, "SERVER=ACCTSRV\\OTHER;"),
        ({"host": "acctsrv.local", "port": 1433}, "SERVER=acctsrv.local,1433;"),
        ({"trust_server_certificate": False}, ";TrustServerCertificate=no"),
        ({"app_name": "Pixis;Sync"}, ";APP={Pixis;Sync};"),
        ({"company": "A{B}"}, ";DATABASE={A{B}}};"),
        (
            {"driver": "FreeTDS", "host": "acctsrv", "port": 1433},
            "DRIVER={FreeTDS};SERVER=acctsrv;PORT=1433;TDS_Version=7.4;",
        ),
    ],
)
def test_odbc_string_variants(overrides: dict[str, Any], expected: str) -> None:
    values = {k: v for k, v in _settings(**overrides).items() if k != "mode"}
    assert expected in ProductionSettings(**values).odbc_string()


def test_freetds_gets_no_options_it_does_not_know() -> None:
    odbc = ProductionSettings(
        host="h", company="c", login="l", app_name="PixisSync", driver="FreeTDS"
    ).odbc_string()
    assert "APP=PixisSync" in odbc
    assert "TrustServerCertificate" not in odbc and "Encrypt" not in odbc


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"host": ""}, "'host' is required"),
        ({"login": " "}, "'login' is required"),
        ({"app_name": ""}, "'app_name' is required"),
        ({"driver": "SQL Server Native Client 11.0"}, "FreeTDS"),
    ],
)
def test_bad_settings_are_config_errors(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Sage100cConnector(**_settings(**overrides))


def test_the_password_never_shows(down: Sage100cConnector) -> None:
    settings = down.settings
    assert settings is not None
    shown = [
        repr(settings),
        str(settings),
        settings.odbc_string(),
        str(settings.url()),
        repr(settings.url()),
        repr(down.engine),
        str(down.engine.url),
        repr(down),
        repr(down.writer.submitter),
        *(result.detail for result in down.check()),
    ]
    with pytest.raises(TransientError) as caught:
        down.pull("customer")
    shown += [str(caught.value), repr(caught.value), str(caught.value.system_message)]
    for shown_text in shown:
        assert PASSWORD not in shown_text, shown_text
    assert "PWD" not in str(down.engine.url)


def test_the_driver_receives_the_password_and_app_name_at_connect(down: Sage100cConnector) -> None:
    sent: list[str] = []

    @event.listens_for(down.engine, "do_connect")
    def _record(_d: Any, _r: Any, cargs: list[Any], _p: dict[str, Any]) -> None:
        sent.append(cargs[0])

    with pytest.raises(TransientError, match="Unable to connect"):
        down.pull("customer")
    assert sent and sent[0].endswith(";PWD={S3cr;et}}pw}")
    assert "APP={PixisSync Sync}" not in sent[0] and "APP=PixisSync Sync;" in sent[0]
    assert "DRIVER={FreeTDS};SERVER=127.0.0.1;PORT=1;TDS_Version=7.4;" in sent[0]


def test_an_unreachable_server_is_transient_and_check_says_where(down: Sage100cConnector) -> None:
    with pytest.raises(TransientError, match="cannot read Sage 100 Contractor"):
        down.pull("invoice")
    [result] = down.check()
    assert not result.ok
    assert "127.0.0.1 database 'Acme Mechanical' as 'pixissync'" in result.detail
    assert "app 'PixisSync Sync'" in result.detail


def test_a_missing_odbc_driver_is_a_config_error_saying_what_to_install() -> None:
    connector = Sage100cConnector(**_settings(host="127.0.0.1", port=1))  # Driver 18: not here
    with pytest.raises(ConfigError, match="'ODBC Driver 18 for SQL Server' is not installed"):
        connector.pull("customer")
    connector.close()


def test_logon_trigger_17892_asks_to_allow_the_app_name(down: Sage100cConnector) -> None:
    @event.listens_for(down.engine, "do_connect")
    def _refuse(*_args: Any) -> None:
        raise pyodbc.ProgrammingError("42000", LOGON_TRIGGER)

    with pytest.raises(ConfigError) as caught:
        down.pull("customer")
    message = str(caught.value)
    assert "add 'PixisSync Sync' to the allowed application names" in message
    assert "company 'Acme Mechanical'" in message and "17892" in message
    [result] = down.check()
    assert not result.ok and "allowed application names" in result.detail


@pytest.mark.parametrize(
    ("kind", "state", "text", "expected"),
    [
        (OperationalError, "HYT00", "Login timeout expired", TransientError),
        (ProgrammingError, "40001", "Transaction was deadlocked (1205)", TransientError),
        (ProgrammingError, "42S02", "Invalid object name 'reccln'. (208)", PermanentError),
        (ProgrammingError, "28000", f"Login failed for user 'l'. (18456) {PASSWORD}", ConfigError),
    ],
)
def test_database_errors_are_classified_and_scrubbed(
    kind: type[OperationalError], state: str, text: str, expected: type
) -> None:
    error = kind("SELECT 1", None, pyodbc.Error(state, f"[{state}] {text}"))
    settings = ProductionSettings(host="h", company="c", login="l", password=PASSWORD)
    result = database_error(error, "reading", settings)
    assert type(result) is expected
    assert PASSWORD not in str(result)


def test_registered_factory_builds_production_mode() -> None:
    connector = create("sage100c", **_settings(driver="FreeTDS"))
    assert isinstance(connector, Sage100cConnector)
    assert connector.mode == "production" and connector.read_back
    connector.close()


def test_the_readme_profile_builds_a_production_connector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme[readme.index("### Sage 100 Contractor") : readme.index("### Viewpoint Vista")]
    profile = section[section.index("```toml") + len("```toml") : section.index("```\n\n")]
    (tmp_path / "pixissync.toml").write_text(profile)
    monkeypatch.setenv("SAGE100C_PASSWORD", PASSWORD)
    monkeypatch.setenv("SAGE100C_API_PASSWORD", "api-secret")
    home = Home.open(tmp_path)
    connector = home.connector("erp")
    assert isinstance(connector, Sage100cConnector)
    assert connector.settings is not None
    assert connector.settings.server == "ACCTSRV\\SAGE100CON"
    assert connector.settings.password == PASSWORD
    assert "APP=PixisSync;" in connector.settings.odbc_string()
    assert PASSWORD not in repr(connector) and "api-secret" not in repr(connector.writer.submitter)
    connector.close()


def test_check_names_a_missing_reference_field_and_works_without_period_locks(
    sandbox: Sage100cConnector,
) -> None:
    before = {result.name: result for result in sandbox.check()}
    assert before["reference field"].ok and before["tables"].ok
    assert "2026-07" in before["closed periods"].detail
    with sandbox.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_reccln_usrdf1"))
        conn.execute(text("ALTER TABLE reccln DROP COLUMN usrdf1"))
        conn.execute(text("DROP TABLE lckprd"))
    after = {result.name: result for result in sandbox.check()}
    assert after["tables"].ok  # a company database has no lckprd: that is not an error
    assert not after["reference field"].ok
    assert "reccln lack the user-defined field usrdf1" in after["reference field"].detail
    assert "refuses postings to locked periods" in after["closed periods"].detail
    assert sandbox.closed_periods() == []
