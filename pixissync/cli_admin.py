"""CLI commands for administration: users, connections, the scheduled worker."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from pixissync.cli_sync import _emit, _home
from pixissync.errors import InputError


def cmd_users_add(args: argparse.Namespace) -> int:
    home = _home(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
    if len(password) < 8:
        raise InputError("the password must have at least 8 characters")
    user = home.store.add_user(args.name, args.role, password)
    _emit(args, {"name": user.name, "role": user.role}, f"user {user.name} ({user.role}) added")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    users = _home(args).store.users()
    rows = [{"name": u.name, "role": u.role} for u in users]
    _emit(args, rows, "\n".join(f"{u.name:<20} {u.role}" for u in users) or "no users")
    return 0


def cmd_connections_test(args: argparse.Namespace) -> int:
    home = _home(args)
    names = [args.name] if args.name else list(home.config.get("connections", {}))
    ok = True
    rows = []
    for name in names:
        try:
            results = home.connector(name).check()
        except Exception as exc:  # a health check reports, it does not crash
            results = []
            rows.append({"connection": name, "check": "connect", "ok": False, "detail": str(exc)})
            ok = False
        for r in results:
            rows.append({"connection": name, "check": r.name, "ok": r.ok, "detail": r.detail})
            ok = ok and r.ok
    home.close()
    text = "\n".join(
        f"{'ok  ' if r['ok'] else 'FAIL'} {r['connection']}: {r['check']}: {r['detail']}"
        for r in rows
    )
    _emit(args, rows, text)
    return 0 if ok else 1


def cmd_worker(args: argparse.Namespace) -> int:
    import os

    from pixissync.worker import work

    home = _home(args)
    receiver = None
    queue = None
    if args.webhook_port is not None:
        from pixissync.connectors.servicetrade_webhook import PullQueue, WebhookReceiver

        secret = os.environ.get(args.webhook_secret_env, "")
        if len(secret) < 16:
            raise InputError(
                f"set {args.webhook_secret_env} to a secret of at least 16 characters "
                "(it is the last part of the webhook URL you register in ServiceTrade)"
            )
        queue = PullQueue()
        receiver = WebhookReceiver(
            secret, queue, host=args.webhook_host, port=args.webhook_port
        ).start()
        print(f"webhooks: {receiver.url_without_secret}<secret from ${args.webhook_secret_env}>")
    try:
        work(home, once=args.once, poll_seconds=args.poll, queue=queue)
    finally:
        if receiver is not None:
            receiver.stop()
        home.close()
    return 0


def add_commands(sub: Any) -> None:
    """Register the administration commands."""

    def home_opts(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dir", help="home folder (default: $PIXISSYNC_HOME or ./.demo)")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    users = sub.add_parser("users", help="manage console users")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = users_sub.add_parser("add", help="add a user (asks for the password)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=["viewer", "reviewer", "admin"])
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    home_opts(p)
    p.set_defaults(func=cmd_users_add)
    p = users_sub.add_parser("list", help="list users and roles")
    home_opts(p)
    p.set_defaults(func=cmd_users_list)

    conns = sub.add_parser("connections", help="configured systems")
    conns_sub = conns.add_subparsers(dest="connections_command", required=True, metavar="ACTION")
    p = conns_sub.add_parser("test", help="health-check one connection or all")
    p.add_argument("name", nargs="?")
    home_opts(p)
    p.set_defaults(func=cmd_connections_test)

    p = sub.add_parser("worker", help="run flows on their schedules, unattended")
    p.add_argument("--once", action="store_true", help="run what is due, then exit")
    p.add_argument("--poll", type=float, default=30.0, help="seconds between checks")
    p.add_argument("--webhook-port", type=int, help="receive ServiceTrade webhooks on this port")
    p.add_argument("--webhook-host", default="127.0.0.1", help="address to listen on")
    p.add_argument(
        "--webhook-secret-env",
        default="PIXISSYNC_WEBHOOK_SECRET",
        help="environment variable holding the URL secret",
    )
    home_opts(p)
    p.set_defaults(func=cmd_worker)
