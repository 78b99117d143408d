"""`synonyms.yml`: groups of words and phrases that mean the same to readers of the site.

A search for one member of a group also finds the pages that use another (search/ writes the
groups beside the index; kb-search.js widens the query). The file is optional:

```yaml
- [MFA, multi-factor, two-factor, 2FA]
- M365, Microsoft 365, Office 365      # a comma-separated line works too
```

Every problem is a warning that names its line: a bad group is left out, the site still builds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from sphinx_kb.content.frontmatter import FrontMatterError, construct, read_yaml_file, shorten
from sphinx_kb.content.problems import Problem, Severity

WHAT = "the synonyms file"
FORMAT = "write each group as `- [MFA, multi-factor, two-factor]`"
# A term is matched word by word: case, hyphens and other punctuation between words do not count.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SynonymGroup:
    # The terms as written, in the file's order.
    terms: tuple[str, ...]
    line: int


def normalize(term: str) -> str:
    """`Wi-Fi` -> `wi fi`, `Microsoft 365` -> `microsoft 365`: how terms are compared and matched."""
    return " ".join(_WORD.findall(term.casefold()))


def load_synonyms(path: Path) -> tuple[list[SynonymGroup], list[Problem]]:
    """Read and check `synonyms.yml`; a missing file is no synonyms."""
    problems: list[Problem] = []
    if not path.is_file():
        return [], problems

    def problem(message: str, fix: str, line: int | None) -> None:
        problems.append(Problem(path, line, "synonyms", message, fix, Severity.WARNING))

    loaded = read_yaml_file(path, WHAT, problem)
    if loaded is None:
        return [], problems
    node, loader = loaded
    if node is None:
        return [], problems
    if not isinstance(node, yaml.SequenceNode):
        problem(f"{WHAT} is not a list of groups", FORMAT, 1 + node.start_mark.line)
        return [], problems

    groups: list[SynonymGroup] = []
    owner: dict[str, tuple[str, int]] = {}  # normalized term -> (term, line of its group)
    for item in node.value:
        line = 1 + item.start_mark.line
        try:
            value = construct(loader, item, 1, WHAT)
        except FrontMatterError as exc:
            problem(exc.message, exc.fix or FORMAT, exc.line)
            continue
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            problem(f"synonym group `{shorten(value)}` is not a list of words", FORMAT, line)
            continue
        terms: list[str] = []
        seen: set[str] = set()
        for raw in value:
            if not isinstance(raw, str | int | float) or isinstance(raw, bool):
                problem(f"synonym `{shorten(raw)}` is not a word or phrase", "write each term as text", line)
                continue
            term = " ".join(str(raw).split())
            key = normalize(term)
            if not key:
                problem(
                    f"synonym `{shorten(raw)}` holds no letter or digit",
                    "remove it, or write the word",
                    line,
                )
                continue
            if key in seen:
                continue  # `Wi-Fi` and `wi fi` in one group are the same term
            if key in owner:
                other, other_line = owner[key]
                problem(
                    f"`{shorten(term)}` is already in the group on line {other_line} (as `{other}`)",
                    "merge the two groups into one",
                    line,
                )
                continue
            seen.add(key)
            terms.append(term)
        if len(terms) < 2:
            problem(
                f"synonym group `{shorten(', '.join(map(str, value)))}` needs two or more different terms",
                "add the other words readers use for it, or remove the line",
                line,
            )
            continue
        for term in terms:
            owner[normalize(term)] = (term, line)
        groups.append(SynonymGroup(tuple(terms), line))
    return groups, problems
