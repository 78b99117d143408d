"""The `kb` command: `kb new` starts a post, `kb check` reports every problem in the posts
without building the site, `kb serve` runs the live preview (or serves a built site), `kb import`
brings posts from other tools."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx_kb.cli.conf import read_conf
from sphinx_kb.version import __version__

if TYPE_CHECKING:
    from sphinx_kb.content.catalog import Catalog, Layout

# The modules of a command (Sphinx among them) are imported when it runs: `kb --version` and the
# start of every command stay quick.
COMMANDS_WITHOUT_IMPORT = ("new", "check", "serve", "restore-mtimes")


def load_project(command: str, args: argparse.Namespace) -> tuple[Path, Layout] | None:
    """conf.py's folder and the source layout its `kb_` options give; None once told why not."""
    from sphinx_kb.content.options import layout_from

    conf_dir = Path(args.conf_dir).resolve()
    source = Path(args.source) if args.source else conf_dir / "source"
    if not source.is_dir():
        print(f"kb {command}: no source folder at {source} (use --source DIR)", file=sys.stderr)
        return None
    if not (conf_dir / "conf.py").is_file():
        # Without it the kb_ options would silently be the defaults (a mistyped --conf-dir).
        print(
            f"kb {command}: no conf.py in {conf_dir}; using the default options (see --conf-dir)",
            file=sys.stderr,
        )
    try:
        values = read_conf(conf_dir)
    except Exception as exc:  # conf.py is arbitrary Python: any error is the user's to see
        # Sphinx's ConfigError carries the whole traceback; its last line says what went wrong.
        reason = [line for line in str(exc).splitlines() if line.strip()][-1:] or [type(exc).__name__]
        print(f"kb {command}: cannot read {conf_dir / 'conf.py'}: {reason[0].strip()}", file=sys.stderr)
        return None
    return conf_dir, layout_from(source.resolve(), values)


def cache_file(build_dir: Path) -> Path:
    """The parsed-post cache `make html` keeps (sphinx-build -M puts doctrees in BUILDDIR/doctrees)."""
    return build_dir.resolve() / "doctrees" / "sphinx-kb-posts.pickle"


def read_catalog(layout: Layout, cache_path: Path | None) -> Catalog:
    """Every post; with the build's cache, only files changed since the last build are parsed.

    Many posts to parse are parsed in two processes (the build itself reads them in one). Their
    words are not counted (a third of the work; `kb check` shows no reading times), so they are
    not added to the cache: the build, which counts them, keeps it up to date."""
    from sphinx_kb.content.reading import PostCache, build_catalog

    cache = PostCache(cache_path) if cache_path is not None else None
    return build_catalog(layout, cache, parallel=True, words=False)


def check(args: argparse.Namespace) -> int:
    from sphinx_kb.content.problems import Severity, sort_key
    from sphinx_kb.content.schedule import clock, scheduled_articles
    from sphinx_kb.content.translation_checks import missing_translations, outdated_translations

    project = load_project("check", args)
    if project is None:
        return 2
    conf_dir, layout = project
    build_dir = Path(args.build_dir) if args.build_dir else conf_dir / "_build"
    catalog = read_catalog(layout, None if args.no_cache else cache_file(build_dir))
    # Translations (docs/translations.md): older than their original is a warning; a language an
    # article is missing in is information, which does not change the exit status.
    problems = sorted([*catalog.problems, *outdated_translations(catalog)], key=sort_key)
    missing = missing_translations(catalog)
    # Articles dated later than now: when each goes live (docs/scheduling.md); information too.
    scheduled = scheduled_articles(catalog, clock()[0])
    if args.format == "json":
        report: dict[str, object] = {"posts": catalog.files, "problems": [p.as_dict() for p in problems]}
        if layout.languages:
            report["information"] = [m.as_dict() for m in missing]
        if scheduled:
            report["scheduled"] = [s.as_dict() for s in scheduled]
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        cwd = Path.cwd()
        for problem in problems:
            print(problem.format(relative_to=cwd))
        for article in missing:
            print(article.format(relative_to=cwd))
        for article in scheduled:
            print(article.format(relative_to=cwd))
        errors = sum(p.severity is Severity.ERROR for p in problems)
        warnings = len(problems) - errors
        summary = f"{catalog.files} posts checked: {errors} error(s), {warnings} warning(s)"
        if layout.languages:
            summary += f", {len(missing)} article(s) not in every language"
        if scheduled:
            summary += f", {len(scheduled)} scheduled"
        # stdout carries only the problems (one per line, for editors and grep); the tally goes to stderr.
        print(summary, file=sys.stderr)
    return 1 if problems else 0


def new(args: argparse.Namespace) -> int:
    from sphinx_kb.cli import new as newpost

    project = load_project("new", args)
    if project is None:
        return 2
    conf_dir, layout = project
    if args.original or args.lang:
        return new_translation(args, layout, conf_dir)
    if not args.category:
        print(
            "kb new: --category is required (or --from SLUG --lang LANGUAGE for a translation)",
            file=sys.stderr,
        )
        return 2
    try:
        path, draft = newpost.create(
            layout,
            lambda: read_catalog(layout, cache_file(conf_dir / "_build")),
            title=args.title,
            category=args.category,
            today=dt.date.today(),
            slug=args.slug,
            author=args.author,
            tags=args.tags,
            new_category=args.new_category,
        )
    except newpost.NewPostError as exc:
        print(f"kb new: {exc}", file=sys.stderr)
        return exc.status
    print(f'Created {newpost.shown(path)}, a draft in "{draft.category}".')
    if not draft.declared_category and (layout.srcdir / layout.categories_file).is_file():
        print(
            f'"{draft.category}" is not in {layout.categories_file}: `kb check` warns about the post '
            f"(kb.unknown-category) until you add the category there."
        )
    print(
        "Next steps:\n"
        "  1. Replace the two TODO placeholders: the excerpt and the article.\n"
        "  2. Preview it with the drafts: make serve (rebuilt on every save) or make html KB_DRAFTS=1.\n"
        "  3. Check it: make check (kb check).\n"
        '  4. Publish it: set status: "published".'
    )
    return 0


def new_translation(args: argparse.Namespace, layout: Layout, conf_dir: Path) -> int:
    from sphinx_kb.cli import new as newpost

    try:
        path = newpost.create_translation(
            layout,
            lambda: read_catalog(layout, cache_file(conf_dir / "_build")),
            title=args.title,
            original=args.original or "",
            language=args.lang or "",
            today=dt.date.today(),
        )
    except newpost.NewPostError as exc:
        print(f"kb new: {exc}", file=sys.stderr)
        return exc.status
    print(f"Created {newpost.shown(path)}, a draft translation of {args.original} into {args.lang}.")
    print(
        "Next steps:\n"
        "  1. Translate the excerpt, the tags and the article (the original's text is below the TODO).\n"
        "  2. Remove the TODO paragraph, preview it: make serve.\n"
        '  3. Publish it: set status: "published".'
    )
    return 0


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
    from sphinx_kb.cli.serve import make_server

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
    from sphinx_kb.cli import preview

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
    from sphinx_kb.content.options import layout_from

    layout = layout_from(source, values)
    root_doc = str(values.get("root_doc") or "index")
    argv = preview.autobuild_argv(
        conf_dir, source, Path(args.build_dir).resolve(), args.host, args.port, layout, root_doc
    )
    return preview.run(argv, drafts=not args.no_drafts)


def restore_mtimes(args: argparse.Namespace) -> int:
    from sphinx_kb.content import fingerprints

    build_dir = Path(args.build_dir).resolve()
    record = build_dir / "doctrees" / fingerprints.MANIFEST
    manifest = fingerprints.load(record)
    if not manifest:
        print(
            f"kb restore-mtimes: no record of an earlier build in {record.parent}: "
            "the next build reads everything",
            file=sys.stderr,
        )
        return 0
    tally = fingerprints.restore(manifest)
    print(
        f"kb restore-mtimes: {tally.restored} file(s) as the cached build read them (times restored); "
        f"{tally.changed} changed and {tally.new} new since (read again)"
        + (f"; {tally.roots_missing} recorded folder(s) not here" if tally.roots_missing else "")
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb", description="Work with a sphinx-kb knowledge base.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    new_parser = commands.add_parser(
        "new",
        help="start a post: a draft with its front matter filled in",
        description="Create <posts folder>/<slug>.md as a draft dated today, its front matter filled in. "
        "Exit status 1 when the file or its slug exists or the category is unknown.",
    )
    new_parser.add_argument("title", help='the title, in quotes: "Backups: a guide"')
    new_parser.add_argument(
        "--category", help="a category of categories.yml (name or slug); required unless --from"
    )
    new_parser.add_argument(
        "--lang", help="with --from: the language of the translation (one of kb_languages)"
    )
    new_parser.add_argument(
        "--from", dest="original", metavar="SLUG", help="start a translation of this article (needs --lang)"
    )
    new_parser.add_argument("--slug", help="the file name and URL (default: made from the title)")
    new_parser.add_argument("--author", help="the author's name (default: none)")
    new_parser.add_argument("--tags", default="", help='comma-separated tags: "backup, cloud"')
    new_parser.add_argument(
        "--new-category", action="store_true", help="allow a category no post and no categories.yml uses yet"
    )
    new_parser.add_argument("--conf-dir", default=".", help="folder of conf.py (default: .)")
    new_parser.add_argument("--source", help="the source folder (default: source/ beside conf.py)")
    new_parser.set_defaults(run=new)

    check_parser = commands.add_parser(
        "check",
        help="check every post's front matter and the categories without building",
        description="Report every problem in the posts and categories.yml, as the build would. "
        "Exit status 1 when there is any problem, 0 when there is none.",
    )
    check_parser.add_argument("--conf-dir", default=".", help="folder of conf.py (default: .)")
    check_parser.add_argument("--source", help="the source folder (default: source/ beside conf.py)")
    check_parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check_parser.add_argument(
        "--build-dir",
        metavar="DIR",
        help="reuse the parsed posts cached in DIR/doctrees (default: _build beside conf.py)",
    )
    check_parser.add_argument("--no-cache", action="store_true", help="parse every post again")
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

    restore_parser = commands.add_parser(
        "restore-mtimes",
        help="make the files of a fresh checkout look as old as a restored build cache saw them",
        description="Before building with a build folder restored from a cache (a hosted builder): give "
        "every source file, conf.py and template whose content is the one the cached build recorded "
        "its modification time from then, so that Sphinx reads again only what changed. Files that "
        "changed keep the time of the checkout. Exit status 0, also without a record.",
    )
    restore_parser.add_argument(
        "--build-dir", default="_build", help="the restored build folder, as make uses it (default: _build)"
    )
    restore_parser.set_defaults(run=restore_mtimes)

    arguments = sys.argv[1:] if argv is None else argv
    command = next((a for a in arguments if not a.startswith("-")), None)
    # `kb import`'s options come with its modules: only needed for it, `kb --help` and typos.
    if command not in COMMANDS_WITHOUT_IMPORT and not (command is None and "--version" in arguments):
        from sphinx_kb.cli.importers.command import add_import_command

        add_import_command(commands)

    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    result: int = args.run(args)
    return result
