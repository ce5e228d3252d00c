"""End to end: the real console in headless Chromium writes exactly what was approved.

Builds the demo home (sample company, sandbox Sage 100 Contractor database,
state store), runs the customers sync, starts ``streamlit run app.py`` on a
free loopback port, and drives it like an accountant: sign in with the demo
admin, filter the batch to creates, tick three rows, approve them, apply, and
then read the sandbox ERP database. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright

from pixissync.demo import LOGIN_FILE, build_demo_home
from pixissync.store import Store
from pixissync.sync import sync

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo home with a pending customers batch."""
    folder = tmp_path_factory.mktemp("e2e") / "home"
    home = build_demo_home(folder, review_all=True)
    sync(home, ["customers"], trigger="test")
    home.close()
    return folder


@pytest.fixture(scope="module")
def console_url(demo_home: Path) -> Iterator[str]:
    """``streamlit run app.py`` on a free port, stopped (by its own pid) afterwards."""
    port = _free_port()
    env = {**os.environ, "PIXISSYNC_HOME": str(demo_home)}
    env.pop("PIXISSYNC_DB_URL", None)
    log = (demo_home / "streamlit.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"streamlit did not start: {(demo_home / 'streamlit.log').read_text()}"
                )
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _tick_rows(grid: Locator, rows: list[int]) -> None:
    """Tick row checkboxes in st.dataframe (a canvas grid: click the row-marker column)."""
    # Centre the grid so its header row is on screen (it is at most 600 px high).
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    grid.page.wait_for_timeout(300)
    box = grid.bounding_box()
    assert box is not None
    header = row = 35  # Streamlit's default header and row heights, in CSS pixels
    for n in rows:
        grid.page.mouse.click(box["x"] + 18, box["y"] + header + row * n + row / 2)
        grid.page.wait_for_timeout(400)


def _erp_references(home: Path) -> set[str]:
    with sqlite3.connect(home / "erp" / "sage100c.db") as db:
        rows = db.execute("SELECT usrdf1 FROM reccln WHERE usrdf1 LIKE 'pxs:%'").fetchall()
    return {str(r[0]) for r in rows}


def test_sign_in_filter_approve_subset_apply_and_erp_gets_exactly_those(
    demo_home: Path, console_url: str
) -> None:
    login = dict(line.split(": ", 1) for line in (demo_home / LOGIN_FILE).read_text().splitlines())
    store = Store(f"sqlite:///{demo_home / 'state.db'}")
    batch = store.batches(flow="customers")[0]
    creates, n_creates = store.proposals(batch.id, action="create", limit=3)
    assert n_creates > 3
    assert _erp_references(demo_home) == set()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(30_000)
        try:
            # A deep link as the server's very first request must still meet the sign-in.
            page.goto(f"{console_url}/review")
            expect(page.get_by_text(f"demo admin: admin / {login['password']}")).to_be_visible()
            page.get_by_label("User name").fill(login["user"])
            page.get_by_role("textbox", name="Password").fill(login["password"])
            _shot(page, "01-sign-in")
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Overview")).to_be_visible()
            expect(page.get_by_test_id("stSidebar")).to_contain_text("admin · admin")
            _shot(page, "02-overview")

            page.get_by_test_id("stSidebar").get_by_role("link", name="Review").click()
            expect(page.get_by_role("heading", name="Review")).to_be_visible()
            page.get_by_test_id("stMultiSelect").filter(has_text="Action").click()
            page.get_by_role("option", name="create", exact=True).click()
            page.keyboard.press("Escape")
            expect(page.get_by_text(f"{n_creates} proposal(s) match")).to_be_visible()
            _shot(page, "03-filtered-creates")
            with page.expect_download() as download:
                page.get_by_role("button", name="Export CSV").first.click()
            exported = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
            assert exported[0].startswith("id,flow,action,status")
            assert len(exported) == 1 + n_creates  # every create, not only the page

            _tick_rows(page.get_by_test_id("stDataFrame").first, [0, 1, 2])
            expect(page.get_by_text("3 selected", exact=True)).to_be_visible()
            page.get_by_role("button", name="Approve 3 selected").click()
            expect(page.get_by_text("Approve 3 selected proposal(s)?")).to_be_visible()
            _shot(page, "04-confirm-approve")
            page.get_by_role("button", name="Confirm").click()
            expect(page.get_by_text("Approved 3 proposal(s).")).to_be_visible()

            page.get_by_role("button", name="Apply 3 approved").click()
            page.get_by_role("button", name="Yes, apply").click()
            expect(page.get_by_text("Apply finished")).to_be_visible(timeout=60_000)
            _shot(page, "05-applied")
        except Exception:
            _shot(page, "99-failure")
            raise
        finally:
            browser.close()

    applied, n_applied = store.proposals(batch.id, status="applied")
    assert n_applied == 3
    assert [p.id for p in applied] == [p.id for p in creates]
    assert _erp_references(demo_home) == {p.reference for p in creates}
    store.close()
