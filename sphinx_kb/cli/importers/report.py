"""The import report: for each file, what was mapped, dropped, changed, and what is wrong."""

from __future__ import annotations

from sphinx_kb.cli.importers.model import ImportResult


def format_report(result: ImportResult, destination: str, rerun: str = "") -> list[str]:
    """The report's lines, file by file, then what categories.yml lacks (with `rerun`, the
    command that adds it)."""
    lines = []
    for report in result.reports:
        if report.skipped:
            lines.append(f"{report.source}: skipped: {report.skipped}")
        else:
            lines.append(f"{report.source} → {destination}/{report.target}")
        lines += [f"  mapped   {m}" for m in report.mapped]
        lines += [f"  dropped  {d}" for d in report.dropped]
        lines += [f"  image    {i}" for i in report.images]
        lines += [f"  note     {n}" for n in report.notes]
        lines += [f"  problem  {p}" for p in report.problems]
    lines += [f"{name}: not a post ({reason})" for name, reason in result.ignored]
    return lines + category_lines(result, f"{destination}/{result.categories_file}", rerun)


def category_lines(result: ImportResult, path: str, rerun: str) -> list[str]:
    """What categories.yml gets (or lacks), its new entries, and how to add them."""
    count = len(result.new_categories)
    entries = [f"  {line}" for line in result.categories_text.splitlines()]
    if result.add_categories and not count:
        return [f"{path}: nothing to add: it declares every category the posts use"]
    if not count:
        return []
    what = f"{count} {'category' if count == 1 else 'categories'} the posts use"
    if result.add_categories:
        verb = "would add" if result.dry_run else "added"
        if not result.categories_file_exists:
            verb = "would create it with" if result.dry_run else "created it with"
        return [f"{path}: {verb} {what}:", *entries]
    if result.categories_file_exists:
        heading = f"{path} does not declare {what}; --add-categories would append:"
    else:
        heading = f"{path} does not exist; --add-categories would create it with the {what}:"
    return [
        heading,
        *entries,
        "To add them, run the import again with --add-categories:",
        f"  {rerun}",
    ]


def summary(result: ImportResult) -> str:
    imported = [r for r in result.reports if r.skipped is None]
    skipped = len(result.reports) - len(imported)
    troubled = sum(1 for r in imported if r.problems)
    verb = "would be imported (dry run: nothing written)" if result.dry_run else "imported"
    line = f"{result.site.tool}: {len(imported)} post(s) {verb}, {skipped} skipped, {troubled} with problems"
    if result.add_categories and result.new_categories:
        added = "would be added to" if result.dry_run else "added to"
        line += f", {len(result.new_categories)} category(ies) {added} {result.categories_file}"
    return line


def exit_status(result: ImportResult) -> int:
    """0: every post imported cleanly; 1: a file was skipped or has problems."""
    return 0 if all(r.clean for r in result.reports) else 1
