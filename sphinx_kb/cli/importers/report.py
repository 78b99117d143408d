"""The import report: for each file, what was mapped, dropped, changed, and what is wrong."""

from __future__ import annotations

from sphinx_kb.cli.importers.model import ImportResult


def format_report(result: ImportResult, destination: str) -> list[str]:
    """The report's lines, file by file."""
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
    return lines


def summary(result: ImportResult) -> str:
    imported = [r for r in result.reports if r.skipped is None]
    skipped = len(result.reports) - len(imported)
    troubled = sum(1 for r in imported if r.problems)
    verb = "would be imported (dry run: nothing written)" if result.dry_run else "imported"
    return f"{result.site.tool}: {len(imported)} post(s) {verb}, {skipped} skipped, {troubled} with problems"


def exit_status(result: ImportResult) -> int:
    """0: every post imported cleanly; 1: a file was skipped or has problems."""
    return 0 if all(r.clean for r in result.reports) else 1
