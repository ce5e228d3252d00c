"""CLI commands of the sync cycle: demo, sync, batches, show, approve, reject, apply."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

from pixissync.errors import InputError
from pixissync.home import Home, home_from_env
from pixissync.proposal import to_jsonable


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(to_jsonable(payload), indent=2, sort_keys=True))
    else:
        print(text)


def _home(args: argparse.Namespace) -> Home:
    return Home.open(home_from_env(args.dir))


def _user(home: Home, args: argparse.Namespace) -> Any:
    """The acting user: ``--user`` (checked against the store) or the local operator."""
    from pixissync.store import User

    name = getattr(args, "user", None)
    if not name:
        return User("cli", "admin")
    users = {u.name: u for u in home.store.users()}
    if name not in users:
        raise InputError(f"unknown user {name!r}; add it with `pixissync users add`")
    found = users[name]
    return User(found.name, found.role)


def cmd_demo(args: argparse.Namespace) -> int:
    from pixissync.demo import LOGIN_FILE, build_demo_home
    from pixissync.sync import sync

    folder = home_from_env(args.dir)
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    _say(f"building the demo home in {folder} from the sample company ({args.erp}) ...")
    home = build_demo_home(folder, erp=args.erp, systems=systems, review_all=args.review_all)
    results = sync(home, "all", trigger="demo", progress=_say)
    rows = [r.as_dict() for r in results]
    lines = [f"Demo home: {folder}", "", "Pending batches:"]
    lines += [
        f"  batch {r['batch_id']:>4}  {r['flow']:<10} {_counts_text(r['counts'])}" for r in rows
    ]
    exe = "pixissync" if shutil.which("pixissync") else str(Path(sys.argv[0]))
    lines += [
        "",
        f"Console sign-in: see {folder / LOGIN_FILE}",
        "Try next:",
        f"  {exe} batches --dir {folder}",
        f"  {exe} show BATCH --dir {folder}",
        f"  {exe} approve BATCH --all --dir {folder}",
        f"  {exe} apply BATCH --dir {folder}",
    ]
    if home.services and args.no_console:
        lines.append("(the REST stand-ins stop when this command ends)")
    _emit(args, rows, "\n".join(lines))
    try:
        if not args.no_console:
            return _run_console(folder, args.port)
        return 0
    finally:
        home.close()


def _run_console(folder: Path, port: int) -> int:
    import os
    import subprocess

    app = Path(__file__).resolve().parent.parent / "app.py"
    env = {**os.environ, "PIXISSYNC_HOME": str(folder)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true"]
    cmd += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    cmd += ["--browser.gatherUsageStats", "false"]
    _say(f"console: http://127.0.0.1:{port}  (Ctrl-C to stop)")
    return subprocess.call(cmd, env=env)


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{n:,} {k}" for k, n in counts.items() if n and not k.startswith("link_"))


def cmd_sync(args: argparse.Namespace) -> int:
    from pixissync.sync import sync

    home = _home(args)
    results = sync(home, args.flow, trigger="cli", progress=_say)
    rows = [r.as_dict() for r in results]
    text = "\n".join(
        f"batch {r['batch_id']:>4}  {r['flow']:<10} {_counts_text(r['counts'])}"
        f"  ({r['seconds']:.1f} s)"
        for r in rows
    )
    for result in results:
        if result.quarantined.height:
            text += f"\n{result.flow}: {result.quarantined.height} rows quarantined:"
            for q in result.quarantined.head(20).iter_rows(named=True):
                text += (
                    f"\n  {q['entity']} {q['record_id']} (row {q['row']}): "
                    f"{q['field']}={q['value']!r}: {q['reason']}"
                )
    _emit(args, rows, text)
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    home = _home(args)
    batches = home.store.batches(flow=args.flow, status=args.status)
    rows = [to_jsonable(b.__dict__) for b in batches]
    text = "\n".join(
        f"batch {b.id:>4}  {b.flow:<10} {b.status:<10} {b.created_at:%Y-%m-%d %H:%M}  "
        + ", ".join(f"{n} {s}" for s, n in sorted(b.by_status.items()))
        for b in batches
    )
    _emit(args, rows, text or "no batches")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    home = _home(args)
    items, total = home.store.proposals(
        args.batch,
        action=args.action,
        status=args.status,
        text=args.text,
        offset=args.offset,
        limit=args.limit,
    )
    rows = [to_jsonable(p.__dict__) for p in items]
    lines = [f"{total:,} proposals (showing {len(items)} from {args.offset})"]
    for p in items:
        score = f" score {p.score:.2f}" if p.score is not None else ""
        lines.append(f"#{p.id:<7} {p.status:<9} {p.action:<9}{score}  {p.summary}")
        for name, change in p.diff.items():
            lines.append(f"           {name}: {change.get('old')!r} → {change.get('new')!r}")
        for finding in p.preflight:
            lines.append(f"           ! {finding.check}: {finding.message}")
        if p.explanation and args.explain:
            lines.append(f"           why: {'; '.join(p.explanation)}")
    _emit(args, {"total": total, "proposals": rows}, "\n".join(lines))
    return 0


def _select(args: argparse.Namespace) -> dict[str, Any]:
    chosen = [bool(args.all), bool(args.ids), args.min_score is not None]
    if sum(chosen) != 1:
        raise InputError("choose exactly one of --all, --ids ... or --min-score N")
    return {}


def cmd_decide(args: argparse.Namespace) -> int:
    home = _home(args)
    user = _user(home, args)
    _select(args)
    store = home.store
    if args.ids:
        ids = [int(i) for i in args.ids]
        done = (
            store.approve(ids, user=user)
            if args.command == "approve"
            else store.reject(ids, user=user, reason=args.reason or "")
        )
    else:
        filters: dict[str, Any] = {"status": "pending"}
        if args.min_score is not None:
            filters["min_score"] = args.min_score
        if args.action:
            filters["action"] = args.action
        if args.command == "approve":
            done = store.approve_where(args.batch, user=user, **filters)
        else:
            done = store.reject_where(args.batch, user=user, reason=args.reason or "", **filters)
    verb = "approved" if args.command == "approve" else "rejected"
    _emit(args, {verb: done}, f"{done:,} proposals {verb} in batch {args.batch}")
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    from pixissync.apply import apply_batch

    home = _home(args)
    user = _user(home, args)
    batch_ids = (
        [b.id for b in sorted(home.store.batches(), key=lambda b: b.id)]
        if args.batch == "all"
        else [int(args.batch)]
    )
    reports = []
    for batch_id in batch_ids:

        def progress(done: int, total: int, batch_id: int = batch_id) -> None:
            if total and (done == total or done % 200 == 0):
                _say(f"batch {batch_id}: applied {done:,}/{total:,}")

        report = apply_batch(home.store, batch_id, home.connectors(), user=user, progress=progress)
        reports.append({"batch": batch_id, **to_jsonable(report.__dict__)})
    home.close()
    text = "\n".join(
        f"batch {r['batch']}: "
        + ", ".join(f"{k} {v}" for k, v in r.items() if k != "batch" and isinstance(v, int))
        for r in reports
    )
    _emit(args, reports, text)
    failed = any(r.get("failed") for r in reports)
    return 1 if failed else 0


def add_commands(sub: Any) -> None:
    """Register the sync-cycle commands on the top-level sub-parser."""

    def home_opts(p: argparse.ArgumentParser, json_flag: bool = True) -> None:
        p.add_argument("--dir", help="home folder (default: $PIXISSYNC_HOME or ./.demo)")
        if json_flag:
            p.add_argument("--json", action="store_true", help="machine-readable output")

    p = sub.add_parser("demo", help="build a demo home from the sample company and open it")
    home_opts(p)
    p.add_argument("--no-console", action="store_true", help="do not start the console")
    p.add_argument("--port", type=int, default=8501, help="console port (default 8501)")
    p.add_argument(
        "--erp",
        default="sage100c",
        choices=["sage100c", "vista", "sage300cre", "acumatica"],
        help="ERP stand-in to sync into (default sage100c)",
    )
    p.add_argument(
        "--review-all",
        action="store_true",
        help="approve nothing automatically: every pairing waits for a person",
    )
    p.add_argument(
        "--systems",
        default="files",
        help="field side: files, or servicetrade, buildops, rhumbix (comma-separated)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("sync", help="pull, match and plan one flow or all; saves batches")
    p.add_argument("flow", nargs="+", help="customers, jobs, invoices, time, payments or all")
    home_opts(p)
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("batches", help="list batches with their proposal counts")
    p.add_argument("--flow")
    p.add_argument("--status")
    home_opts(p)
    p.set_defaults(func=cmd_batches)

    p = sub.add_parser("show", help="list a batch's proposals with diffs and findings")
    p.add_argument("batch", type=int)
    p.add_argument("--action", choices=["create", "update", "link", "exception"])
    p.add_argument("--status")
    p.add_argument("--text", help="search summary and ids")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--explain", action="store_true", help="show match explanations")
    home_opts(p)
    p.set_defaults(func=cmd_show)

    for verb in ("approve", "reject"):
        p = sub.add_parser(verb, help=f"{verb} proposals of a batch")
        p.add_argument("batch", type=int)
        p.add_argument("--all", action="store_true", help="every pending proposal")
        p.add_argument("--ids", nargs="+", metavar="ID")
        p.add_argument("--min-score", type=float, help="pending proposals scoring at least N")
        p.add_argument("--action", choices=["create", "update", "link"])
        p.add_argument("--user", help="act as this user (role checked)")
        if verb == "reject":
            p.add_argument("--reason", help="why (kept in the audit log)")
        home_opts(p)
        p.set_defaults(func=cmd_decide, command=verb)

    p = sub.add_parser("apply", help="write a batch's approved proposals to their targets")
    p.add_argument("batch", help="batch id or 'all' (in dependency order)")
    p.add_argument("--user", help="act as this user (must be admin)")
    home_opts(p)
    p.set_defaults(func=cmd_apply)
