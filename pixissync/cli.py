"""The ``pixissync`` command line: every console action can be run from here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from pixissync.errors import PixisSyncError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="pixissync",
        description="Reconcile and sync a field-service platform with a contractor ERP.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    from pixissync import cli_admin, cli_sync
    from pixissync.matching import cli as matching_cli

    matching_cli.add_commands(sub)
    cli_sync.add_commands(sub)
    cli_admin.add_commands(sub)
    __import__("pixissync.cli_reconcile", fromlist=["add_commands"]).add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; bad input exits 2 with a message naming file, row and column."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except PixisSyncError as exc:
        print(f"pixissync: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pixissync: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
