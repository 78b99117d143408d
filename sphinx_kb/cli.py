"""The `kb` command: `kb check` reports every problem in the posts without building the site;
`kb serve` runs the live preview (or serves a built site)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from sphinx_kb.catalog import build_catalog
from sphinx_kb.config import layout_from
from sphinx_kb.problems import Severity, sort_key
from sphinx_kb.version import __version__


def read_conf(conf_dir: Path) -> dict[str, Any]:
    """The values set in conf.py (it is plain Python; Sphinx evaluates it the same way)."""
    conf = conf_dir / "conf.py"
    if not conf.is_file():
        return {}
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    return eval_config_file(conf, Tags())


def check(args: argparse.Namespace) -> int:
    conf_dir = Path(args.conf_dir).resolve()
    source = Path(args.source) if args.source else conf_dir / "source"
    if not source.is_dir():
        print(f"kb check: no source folder at {source} (use --source DIR)", file=sys.stderr)
        return 2
    try:
        values = read_conf(conf_dir)
    except Exception as exc:  # conf.py is arbitrary Python: any error is the user's to see
        # Sphinx's ConfigError carries the whole traceback; its last line says what went wrong.
        reason = [line for line in str(exc).splitlines() if line.strip()][-1:] or [type(exc).__name__]
        print(f"kb check: cannot read {conf_dir / 'conf.py'}: {reason[0].strip()}", file=sys.stderr)
        return 2
    catalog = build_catalog(layout_from(source.resolve(), values))
    problems = sorted(catalog.problems, key=sort_key)
    if args.format == "json":
        json.dump(
            {
                "posts": catalog.files,
                "problems": [p.as_dict() for p in problems],
            },
            sys.stdout,
            indent=2,
        )
        print()
    else:
        cwd = Path.cwd()
        for problem in problems:
            print(problem.format(relative_to=cwd))
        errors = sum(p.severity is Severity.ERROR for p in problems)
        warnings = len(problems) - errors
        summary = f"{catalog.files} posts checked: {errors} error(s), {warnings} warning(s)"
        # stdout carries only the problems (one per line, for editors and grep); the tally goes to stderr.
        print(summary, file=sys.stderr)
    return 1 if problems else 0


def port_problem(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on, or None (checked before a build, not after it)."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return f"cannot listen on {host}:{port}: {exc.strerror or exc} (try --port)"
    return None


def serve_built(args: argparse.Namespace) -> int:
    from sphinx_kb.serve import make_server

    directory = Path(args.built)
    if not (directory / "index.html").is_file():
        print(f"kb serve: no built site in {directory} (run `make html` first)", file=sys.stderr)
        return 2
    try:
        server = make_server(directory, args.host, args.port)
    except OSError as exc:
        print(
            f"kb serve: cannot listen on {args.host}:{args.port}: {exc.strerror or exc} (try --port)",
            file=sys.stderr,
        )
        return 2
    host, port = server.server_address[:2]
    print(f"Serving {directory} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def serve(args: argparse.Namespace) -> int:
    if args.built:
        return serve_built(args)
    from sphinx_kb import preview

    conf_dir = Path(args.conf_dir).resolve()
    source = Path(args.source).resolve() if args.source else conf_dir / "source"
    if not (conf_dir / "conf.py").is_file() or not source.is_dir():
        print(f"kb serve: no conf.py in {conf_dir} or no source folder at {source}", file=sys.stderr)
        return 2
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"kb serve: {problem}", file=sys.stderr)
        return 2
    try:
        values = read_conf(conf_dir)
    except Exception as exc:  # conf.py is arbitrary Python: any error is the user's to see
        print(f"kb serve: cannot read {conf_dir / 'conf.py'}: {exc}", file=sys.stderr)
        return 2
    layout = layout_from(source, values)
    argv = preview.autobuild_argv(
        conf_dir, source, Path(args.build_dir).resolve(), args.host, args.port, layout.category_dir
    )
    return preview.run(argv, drafts=not args.no_drafts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb", description="Work with a sphinx-kb knowledge base.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check_parser = commands.add_parser(
        "check",
        help="check every post's front matter and the categories without building",
        description="Report every problem in the posts and categories.yml, as the build would. "
        "Exit status 1 when there is any problem, 0 when there is none.",
    )
    check_parser.add_argument("--conf-dir", default=".", help="folder of conf.py (default: .)")
    check_parser.add_argument("--source", help="the source folder (default: source/ beside conf.py)")
    check_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check_parser.set_defaults(run=check)

    serve_parser = commands.add_parser(
        "serve",
        help="live preview: rebuild on every save, reload the browser, drafts shown",
        description="Live preview of the knowledge base on this machine: sphinx-autobuild builds it "
        "(drafts shown) into BUILD_DIR/preview, serves it, rebuilds after every save and reloads the "
        "browser. With --built DIR: serve an already built site as it is, the way a static host does.",
    )
    serve_parser.add_argument("--conf-dir", default=".", help="folder of conf.py (default: .)")
    serve_parser.add_argument("--source", help="the source folder (default: source/ beside conf.py)")
    serve_parser.add_argument(
        "--build-dir", default="_build", help="where the preview is built (default: _build)"
    )
    serve_parser.add_argument("--no-drafts", action="store_true", help="preview the site without its drafts")
    serve_parser.add_argument("--built", metavar="DIR", help="serve this built site instead (no rebuilding)")
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve_parser.set_defaults(run=serve)

    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
