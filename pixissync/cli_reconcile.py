"""``pixissync reconcile`` and ``pixissync duplicates``: month-end tie-out and duplicate customers.

Without ``--user`` the CLI acts as the local operator (admin), as the other
commands do; with ``--user NAME`` that user's role is checked: saving a
reconciliation and deciding duplicate groups need *reviewer*, sign-off needs *admin*.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import polars as pl

from pixissync.cli_sync import _emit, _home, _say, _user
from pixissync.errors import InputError


def _money(value: Any) -> str:
    return f"{value:,.2f}"


def _summary_text(rec: Any) -> str:
    lines = [f"Reconciliation {rec.period}  (snapshot {rec.snapshot})", ""]
    head = f"{'measure':<24}{'field':>16}{'ERP':>16}{'difference':>14}{'explained':>14}"
    lines += [head + f"{'unexplained':>14}  items"]
    for row in rec.summary.iter_rows(named=True):
        lines.append(
            f"{row['measure']:<24}{_money(row['field_total']):>16}{_money(row['erp_total']):>16}"
            f"{_money(row['difference']):>14}{_money(row['explained']):>14}"
            f"{_money(row['unexplained']):>14}  {row['exceptions']}"
        )
    lines += [f"Note: {note}" for note in rec.notes]
    counts = rec.exceptions.group_by("measure", "kind").len().sort("measure", "kind")
    if counts.height:
        lines += ["", "Exceptions:"]
        lines += [f"  {m:<24}{k:<34}{n:>5}" for m, k, n in counts.iter_rows()]
    return "\n".join(lines)


def cmd_reconcile(args: argparse.Namespace) -> int:
    from pixissync.reconcile import load_sides, load_tolerances, tie_out
    from pixissync.reconcile.export import write_csvs, write_workbook
    from pixissync.reconcile.history import save_reconciliation

    if args.period is None:
        raise InputError("reconcile needs --period YYYY-MM (or: reconcile signoff|history)")
    home = _home(args)
    try:
        _say("reconcile: pulling both systems" if not args.latest else "reconcile: latest snapshot")
        rec = tie_out(load_sides(home, latest=args.latest), args.period, load_tolerances())
        payload: dict[str, Any] = {
            "period": rec.period,
            "snapshot": rec.snapshot,
            "summary": rec.summary.to_dicts(),
            "exceptions": rec.exceptions.to_dicts(),
            "notes": list(rec.notes),
        }
        if args.out:
            _say(f"workbook: {write_workbook(rec, Path(args.out))}")
        if args.csv:
            _say(f"CSV: {len(write_csvs(rec, Path(args.csv)))} files in {args.csv}")
        if args.save:
            rec_id = save_reconciliation(home.store, rec, user=_user(home, args), note=args.note)
            payload["saved_id"] = rec_id
            _say(f"saved as reconciliation {rec_id}")
        _emit(args, payload, _summary_text(rec))
    finally:
        home.close()
    return 0


def cmd_signoff(args: argparse.Namespace) -> int:
    from pixissync.reconcile.history import sign_off

    home = _home(args)
    try:
        saved = sign_off(home.store, args.id, user=_user(home, args), note=args.note)
    finally:
        home.close()
    text = f"reconciliation {saved.id} ({saved.period}) signed off by {saved.signed_off_by}"
    _emit(
        args, {"id": saved.id, "period": saved.period, "signed_off_by": saved.signed_off_by}, text
    )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from pixissync.reconcile.history import saved_reconciliations

    home = _home(args)
    try:
        saved = saved_reconciliations(home.store, args.period)
    finally:
        home.close()
    rows = [
        {
            "id": s.id,
            "period": s.period,
            "created_at": s.created_at,
            "created_by": s.created_by,
            "note": s.note,
            "signed_off_by": s.signed_off_by,
            "signed_off_at": s.signed_off_at,
        }
        for s in saved
    ]
    text = "\n".join(
        f"{r['id']:>5}  {r['period']}  by {r['created_by']:<12} "
        + (f"signed off by {r['signed_off_by']}" if r["signed_off_by"] else "not signed off")
        + (f"  — {r['note']}" if r["note"] else "")
        for r in rows
    )
    _emit(args, rows, text or "no saved reconciliations")
    return 0


def _groups(home: Any, system: str, include_dismissed: bool = False) -> tuple[Any, pl.DataFrame]:
    from pixissync.duplicates import find_groups, records_from

    records = records_from(home.connector(system), system)
    return records, find_groups(home.store, records, include_dismissed=include_dismissed)


def cmd_duplicates(args: argparse.Namespace) -> int:
    from pixissync.console.exports import to_excel_bytes
    from pixissync.duplicates import merge_worksheet

    home = _home(args)
    try:
        records, groups = _groups(home, args.system)
        if args.out:
            sheet = merge_worksheet(groups.filter(pl.col("status") != "dismissed"), records)
            Path(args.out).write_bytes(to_excel_bytes(sheet, sheet="Merge worksheet"))
            _say(f"merge worksheet: {args.out}")
    finally:
        home.close()
    lines = [f"{groups.height} duplicate group(s) of customers in {args.system}"]
    for row in groups.iter_rows(named=True):
        lines.append(
            f"\n[{row['status']}] group {row['group_id']}: "
            + ", ".join(f"{m} {n!r}" for m, n in zip(row["members"], row["names"], strict=True))
            + f"\n  survivor: {row['survivor_id'] or row['suggested_survivor']}"
            + ("" if row["survivor_id"] else " (suggested)")
        )
        lines += [f"  - {label}" for label in row["explanation"]]
    _emit(args, groups.to_dicts(), "\n".join(lines))
    return 0


def cmd_decide_group(args: argparse.Namespace) -> int:
    from pixissync.duplicates import confirm_group, dismiss_group

    home = _home(args)
    try:
        user = _user(home, args)
        _records, groups = _groups(home, args.system)
        done: list[dict[str, Any]] = []
        for group_id in args.group:
            found = groups.filter(pl.col("group_id") == group_id)
            if found.height == 0:
                known = ", ".join(groups["group_id"].to_list()) or "none"
                raise InputError(f"no open duplicate group {group_id!r}; groups: {known}")
            members = found["members"][0].to_list()
            if args.command_name == "confirm":
                survivor = args.survivor or found["suggested_survivor"][0]
                verdict = confirm_group(
                    home.store,
                    "customer",
                    args.system,
                    members,
                    survivor,
                    user=user,
                    note=args.note,
                )
            else:
                verdict = dismiss_group(
                    home.store, "customer", args.system, members, user=user, note=args.note
                )
            done.append(
                {
                    "group": group_id,
                    "members": list(verdict.members),
                    "status": verdict.status,
                    "survivor": verdict.survivor_id,
                    "xrefs_remapped": verdict.remapped,
                }
            )
    finally:
        home.close()
    text = "\n".join(
        f"group {d['group']} {d['status']}"
        + (
            f": survivor {d['survivor']}, {d['xrefs_remapped']} xref(s) remapped"
            if d["survivor"]
            else ""
        )
        for d in done
    )
    _emit(args, done, text)
    return 0


def add_commands(sub: Any) -> None:
    """Register ``reconcile`` and ``duplicates``."""

    def home_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dir", help="home folder (default: $PIXISSYNC_HOME or ./.demo)")
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--user", help="act as this user (role checked)")

    p = sub.add_parser("reconcile", help="month-end tie-out of the field system and the ERP")
    home_opts(p)
    p.add_argument("--period", help="the month, YYYY-MM")
    p.add_argument("--latest", action="store_true", help="reuse the latest complete snapshot")
    p.add_argument("--out", help="write the Excel workbook here")
    p.add_argument("--csv", help="write one CSV per sheet into this folder")
    p.add_argument("--save", action="store_true", help="keep it in the history")
    p.add_argument("--note", default="", help="note kept with a saved reconciliation")
    p.set_defaults(func=cmd_reconcile)
    rsub = p.add_subparsers(dest="reconcile_command", metavar="ACTION")
    s = rsub.add_parser("signoff", help="sign off a saved reconciliation (admin)")
    home_opts(s)
    s.add_argument("id", type=int)
    s.add_argument("--note", required=True, help="the controller's sign-off note")
    s.set_defaults(func=cmd_signoff)
    h = rsub.add_parser("history", help="saved reconciliations, newest first")
    home_opts(h)
    h.add_argument("--period", help="only this month")
    h.set_defaults(func=cmd_history)

    d = sub.add_parser("duplicates", help="likely duplicate customers inside one system")
    dsub = d.add_subparsers(dest="duplicates_command", required=True, metavar="ACTION")
    c = dsub.add_parser("customers", help="list duplicate customer groups")
    home_opts(c)
    c.add_argument("--system", default="erp", help="connection name (default: erp)")
    c.add_argument("--out", help="write the merge worksheet (.xlsx) here")
    c.set_defaults(func=cmd_duplicates)
    for name in ("confirm", "dismiss"):
        g = dsub.add_parser(name, help=f"{name} duplicate group(s) (reviewer)")
        home_opts(g)
        g.add_argument("group", nargs="+", help="group id(s) as listed")
        g.add_argument("--system", default="erp", help="connection name (default: erp)")
        g.add_argument("--note", default="", help="why (kept in the audit log)")
        if name == "confirm":
            g.add_argument("--survivor", help="the record to keep (default: the suggestion)")
        g.set_defaults(func=cmd_decide_group, command_name=name)
