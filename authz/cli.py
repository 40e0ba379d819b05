"""``mandi authz matrix [--output PATH]``: the access matrix, rendered from the live policy."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    authz = sub.add_parser("authz", help="authorization: the access matrix")
    commands = authz.add_subparsers(dest="authz_command", required=True)
    matrix = commands.add_parser("matrix", help="print who may read and write what (Markdown)")
    matrix.add_argument("--output", type=Path, help="write to this file instead of stdout")


def run(args: argparse.Namespace) -> int:
    from authz.matrix import render

    text = render()
    if args.output:
        args.output.write_text(text)
        print(f"access matrix written to {args.output}")
    else:
        print(text, end="")
    return 0
