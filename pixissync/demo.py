"""Build a demo home from the sample company: no server, no credentials.

By default the field system is the sample's canonical export (a ``files``
connection over a copy of ``data/samples/field``), the ERP is a SQLite database
with the Sage 100 Contractor table layout built from ``data/samples/sage100c``,
and the state store is ``state.db`` in the home. ``systems`` puts REST
stand-ins (ServiceTrade, BuildOps, Rhumbix) on loopback in front of the field
data, and ``erp`` picks another ERP stand-in (Vista, Sage 300 CRE, Acumatica)
seeded with the same ERP history. REST stand-ins live in this process: they
stop with the home (the demo keeps them up while the console runs).

A demo admin is created with a random password written to ``DEMO_LOGIN.txt``
(the console shows it on its sign-in page).
"""

from __future__ import annotations

import json
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from pixissync.errors import ConfigError
from pixissync.home import CONFIG_NAME, SAMPLES_DIR, Home

DEMO_USER = "admin"
LOGIN_FILE = "DEMO_LOGIN.txt"
ERPS: Final = ("sage100c", "vista", "sage300cre", "acumatica")
FIELD_SYSTEMS: Final = ("files", "servicetrade", "buildops", "rhumbix")

_STORE = '[store]\nurl = "sqlite:///state.db"\n'
_FILES = '[connections.{name}]\nsystem = "files"\npath = "field"\n'
_SAGE100C = """\
[connections.erp]
system = "sage100c"
url = "sqlite:///erp/sage100c.db"
mode = "sandbox"
"""


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def _toml_section(name: str, settings: dict[str, Any]) -> str:
    lines = [f"[connections.{name}]"]
    lines += [f"{key} = {_toml_value(value)}" for key, value in settings.items()]
    return "\n".join(lines) + "\n"


def _field_sections(
    systems: Sequence[str], samples: Path, services: list[Any]
) -> tuple[list[str], list[str]]:
    """Connection sections for the field side, and the flow overrides they need."""
    unknown = [s for s in systems if s not in FIELD_SYSTEMS]
    if unknown:
        raise ConfigError(
            f"unknown field system {unknown[0]!r}; choose from {', '.join(FIELD_SYSTEMS)}"
        )
    rest = [s for s in systems if s != "files"]
    if not rest:
        return [_FILES.format(name="field")], []
    from pixissync.sandbox.rest.serve import load_frames, profile, start

    frames = load_frames(samples / "field")
    sections: list[str] = []
    flows: list[str] = []
    primary = next((s for s in rest if s in ("servicetrade", "buildops")), None)
    if primary is None:
        sections.append(_FILES.format(name="field"))
    for system in rest:
        standin = start(system, frames)
        services.append(standin)
        name = "field" if system == primary else system
        sections.append(_toml_section(name, profile(system, standin)))
    if "rhumbix" in rest:
        flows.append('[flows.time]\nsource = "rhumbix"\n')
    elif primary == "buildops":
        # BuildOps has no time entries: time still comes from the field export.
        sections.append(_FILES.format(name="field_files"))
        flows.append('[flows.time]\nsource = "field_files"\n')
    if primary == "buildops":
        flows.append("[flows.payments]\nenabled = false  # BuildOps takes invoice status only\n")
    return sections, flows


def _erp_section(erp: str, folder: Path, samples: Path, services: list[Any]) -> str:
    if erp == "sage100c":
        from pixissync.sandbox.sage100c_db import build_sage100c_db

        build_sage100c_db(folder / "erp" / "sage100c.db", samples / "sage100c").dispose()
        return _SAGE100C
    if erp == "acumatica":
        from pixissync.sandbox.erp_demo import erp_frames_from_sample
        from pixissync.sandbox.rest.serve import profile, start

        standin = start("acumatica", erp_frames_from_sample(samples))
        services.append(standin)
        return _toml_section("erp", profile("acumatica", standin))
    if erp in ("vista", "sage300cre"):
        from pixissync.sandbox.erp_demo import build_erp_sandbox

        return build_erp_sandbox(erp, folder, samples)
    raise ConfigError(f"unknown ERP {erp!r}; choose from {', '.join(ERPS)}")


def _without_auto_approval(sections: list[str]) -> list[str]:
    names = ("customers", "jobs", "invoices", "time", "payments")
    out = []
    for name in names:
        own = [sec for sec in sections if sec.startswith(f"[flows.{name}]")]
        body = own[0] if own else f"[flows.{name}]\n"
        out.append(body + 'auto_approve = "none"\n')
    return out


def build_demo_home(
    folder: Path,
    *,
    samples: Path = SAMPLES_DIR,
    fresh: bool = True,
    erp: str = "sage100c",
    systems: Sequence[str] = ("files",),
    review_all: bool = False,
) -> Home:
    """Create (or recreate) a demo home in ``folder`` and return it opened.

    ``review_all`` turns every flow's auto-approval off, so each pairing waits
    for a person (for training, and for tests that count what a person approved).
    """
    if not (samples / "field").is_dir() or not (samples / "sage100c").is_dir():
        raise ConfigError(f"sample company not found in {samples} (expected field/ and sage100c/)")
    if erp not in ERPS:
        raise ConfigError(f"unknown ERP {erp!r}; choose from {', '.join(ERPS)}")
    folder = folder.resolve()
    if fresh and folder.exists():
        if not (folder / CONFIG_NAME).exists() and any(folder.iterdir()):
            raise ConfigError(f"{folder} is not empty and is not a PixisSync home; choose another")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(samples / "field", folder / "field", dirs_exist_ok=True)
    (folder / "erp").mkdir(exist_ok=True)
    services: list[Any] = []
    try:
        field_sections, flow_sections = _field_sections(systems, samples, services)
        erp_section = _erp_section(erp, folder, samples, services)
    except BaseException:
        for service in services:
            service.stop()
        raise
    if review_all:
        flow_sections = _without_auto_approval(flow_sections)
    config = "\n".join(
        [
            "# PixisSync demo home, made by `pixissync demo`. Edit freely.",
            _STORE,
            *field_sections,
            erp_section,
            *flow_sections,
        ]
    )
    (folder / CONFIG_NAME).write_text(config, encoding="utf-8")
    home = Home.open(folder)
    home.services.extend(services)
    password = secrets.token_urlsafe(12)
    home.store.add_user(DEMO_USER, "admin", password)
    login = folder / LOGIN_FILE
    login.write_text(f"user: {DEMO_USER}\npassword: {password}\n", encoding="utf-8")
    login.chmod(0o600)
    return home
