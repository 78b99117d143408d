"""The `kb import` command line."""

from __future__ import annotations

import argparse
import contextlib
import shlex
import sys
from pathlib import Path
from typing import Any

from sphinx_kb.cli.conf import read_conf
from sphinx_kb.cli.importers.model import TOOLS, UsageError
from sphinx_kb.cli.importers.report import exit_status, format_report, summary
from sphinx_kb.cli.importers.run import Options, import_site
from sphinx_kb.content.options import layout_from


def add_import_command(commands: Any) -> None:
    parser = commands.add_parser(
        "import",
        help="import posts from a Hugo, Jekyll, Astro, Next.js, MkDocs or Pelican site",
        description="Copy another tool's posts into the posts folder, mapping their front matter to "
        "ours, and report per file what was mapped, dropped and what needs a look. Existing posts "
        "are never overwritten. Exit status 0 when every post imported cleanly, 1 when a file was "
        "skipped or has problems, 2 on usage errors.",
    )
    parser.add_argument("src", metavar="SRC", help="the old site's folder (or a folder of its posts)")
    parser.add_argument("--conf-dir", default=".", help="folder of conf.py (default: .)")
    parser.add_argument("--dest", help="the source folder to import into (default: source/ beside conf.py)")
    parser.add_argument(
        "--from",
        dest="tool",
        choices=(*TOOLS, "auto"),
        default="auto",
        help="the tool that wrote SRC (default: auto, from its settings file)",
    )
    parser.add_argument("--category-default", metavar="NAME", help="category of posts that have none")
    parser.add_argument("--dry-run", action="store_true", help="print the report, write nothing")
    parser.add_argument(
        "--add-categories",
        action="store_true",
        help="append the categories the posts use that categories.yml lacks to it (parents first)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    conf_dir = Path(args.conf_dir).resolve()
    dest = Path(args.dest) if args.dest else conf_dir / "source"
    if not dest.is_dir():
        return usage(f"no source folder at {dest} (use --dest DIR)")
    if args.category_default is not None and not args.category_default.strip():
        return usage("--category-default needs a category name")
    try:
        values = read_conf(conf_dir)
    except Exception as exc:  # conf.py is arbitrary Python, as in `kb check`
        reason = [line for line in str(exc).splitlines() if line.strip()][-1:] or [type(exc).__name__]
        return usage(f"cannot read {conf_dir / 'conf.py'}: {reason[0].strip()}")
    layout = layout_from(dest.resolve(), values)
    options = Options(
        source=Path(args.src).resolve(),
        layout=layout,
        tool=args.tool,
        dry_run=args.dry_run,
        category_default=args.category_default.strip() if args.category_default else None,
        add_categories=args.add_categories,
    )
    try:
        result = import_site(options)
    except UsageError as exc:
        return usage(str(exc))
    shown = dest
    with contextlib.suppress(ValueError):
        shown = dest.resolve().relative_to(Path.cwd())
    for line in format_report(result, shown.as_posix(), rerun_command(args)):
        print(line)
    print(summary(result), file=sys.stderr)
    return exit_status(result)


def rerun_command(args: argparse.Namespace) -> str:
    """The command as it was given, with --add-categories, quoted for a POSIX shell (options in
    their full spelling; those left at their default are left out, as they were)."""
    words = ["kb", "import", args.src]
    if args.conf_dir != ".":
        words += ["--conf-dir", args.conf_dir]
    if args.dest:
        words += ["--dest", args.dest]
    if args.tool != "auto":
        words += ["--from", args.tool]
    if args.category_default is not None:
        words += ["--category-default", args.category_default]
    if args.dry_run:
        words.append("--dry-run")
    return shlex.join([*words, "--add-categories"])


def usage(message: str) -> int:
    print(f"kb import: {message}", file=sys.stderr)
    return 2
