"""Generate a realistic, deterministic knowledge base for the benchmark.

    python benchmarks/generate.py DEST --posts N [--seed S]

writes DEST/blog/<slug>.md (about 10 KB each: YAML front matter, then a Markdown body with
headings, prose, lists, some tables, code blocks and links to other posts), DEST/categories.yml
(24 categories, two levels) and DEST/public/blog/<slug>.png for the posts with an ogImage.
The same N and seed always give the same bytes. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from random import Random

# A valid 1x1 transparent PNG; every ogImage gets the same bytes.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)

# (top-level category, description, [subcategories]).
TAXONOMY = [
    (
        "Managed IT",
        "What to expect from a **managed service provider**",
        ["Help Desk", "Onboarding", "Vendor Management"],
    ),
    (
        "Cybersecurity",
        "Protecting people, devices and data",
        ["Phishing", "Identity & Access", "Endpoint Security"],
    ),
    (
        "Backup & Recovery",
        "Keeping data recoverable when things go wrong",
        ["Disaster Recovery", "Ransomware Resilience"],
    ),
    (
        "Cloud",
        "Planning, migrating to and running on **cloud platforms**",
        ["Microsoft 365", "Azure", "Google Workspace"],
    ),
    ("Networking", "Wired, wireless and remote connectivity", ["Wi-Fi", "Firewalls", "VPN"]),
    ("Compliance", "Regulations, audits and *policies* that stick", ["GDPR", "Cyber Insurance"]),
    ("Productivity", "Tools and habits for getting work done", ["Collaboration", "Automation"]),
    ("IT Strategy", "Budgets, roadmaps and **technology planning**", ["Budgeting", "Lifecycle Management"]),
]

AUTHORS = [
    "Priya Natarajan",
    "Daniel Okafor",
    "Marta Kowalski",
    "James Whitfield",
    "Sofia Alvarez",
    "Liam O'Connor",
    "Hannah Berg",
    "Kenji Watanabe",
    "Amara Mensah",
    "Oliver Grant",
    "Elena Petrova",
    "Noah Fischer",
]

TAGS = [
    "backup",
    "ransomware",
    "phishing",
    "mfa",
    "passwords",
    "microsoft 365",
    "azure",
    "teams",
    "sharepoint",
    "onedrive",
    "email",
    "firewall",
    "vpn",
    "wi-fi",
    "endpoint",
    "patching",
    "compliance",
    "gdpr",
    "audit",
    "budget",
    "roadmap",
    "help desk",
    "onboarding",
    "offboarding",
    "automation",
    "powershell",
    "cloud",
    "migration",
    "licensing",
    "security awareness",
    "disaster recovery",
    "business continuity",
    "identity",
    "zero trust",
    "monitoring",
    "hardware",
    "printers",
    "remote work",
    "training",
    "insurance",
]

NOUNS = """
account administrator agreement alert application approach archive asset attacker audit
backup bandwidth baseline benefit browser budget business calendar change checklist client
cluster computer configuration connection contract control copy cost credential customer
dashboard data database deadline decision deployment desk device director disk document
domain email employee endpoint environment error estimate event exception expense feature
file firewall folder framework gateway goal guide hardware incident invoice issue laptop
layer licence log mailbox manager meeting migration mistake model monitor network office
owner password patch payment phone plan platform policy portal printer priority process
project provider question quote rack recovery region release report request requirement
resource restore review risk roadmap router rule schedule script server service session
setting site snapshot software spreadsheet standard storage strategy subscription supplier
switch system team template tenant test ticket timeline token tool training update upgrade
user vendor version warranty website window workflow workstation
""".split()  # noqa: SIM905

ADJECTIVES = """
accurate automatic available basic careful central clear common complete critical current
daily dedicated default detailed different difficult direct early effective encrypted
essential existing expensive external familiar fast flexible formal frequent full general
hidden important internal key large legacy limited local main manual minimal mobile modern
monthly new obvious offline old ongoing open optional overall physical planned practical
previous primary private proper public quick realistic regular reliable remote routine safe
secure separate shared short simple single slow small specific stable standard strong
sudden temporary typical unexpected unusual useful valid visible weekly whole wide
""".split()  # noqa: SIM905

VERBS = """
adds affects allows applies approves assigns avoids blocks breaks builds changes checks
collects compares configures connects contains copies covers creates deletes delivers
describes detects disables documents enables encrypts ensures exposes fixes follows handles
helps identifies improves includes installs keeps limits manages measures monitors moves
needs offers prevents protects provides records reduces removes replaces reports requires
restores reviews runs saves schedules secures shows simplifies slows stores supports tests
tracks updates uses verifies
""".split()  # noqa: SIM905

ADVERBS = """
actually almost always automatically carefully clearly usually easily eventually finally
frequently generally gradually immediately later mostly naturally normally often only
quickly rarely really regularly simply slowly sometimes still typically
""".split()  # noqa: SIM905

PREPOSITIONS = [
    "across",
    "after",
    "before",
    "between",
    "during",
    "for",
    "from",
    "into",
    "on",
    "over",
    "through",
    "under",
    "with",
    "without",
]
CONNECTORS = [
    "In practice,",
    "For most teams,",
    "As a rule,",
    "On the other hand,",
    "In our experience,",
    "Over time,",
    "Without it,",
    "At the same time,",
    "For example,",
    "Even so,",
    "In short,",
    "Before anything else,",
    "Once that is done,",
    "More importantly,",
]
CLAUSES = [
    "which is easy to overlook",
    "even when nobody is watching",
    "long before it becomes urgent",
    "so the next person knows what happened",
    "without slowing anyone down",
    "and that is usually enough",
    "whether the office is open or not",
    "because small gaps add up quickly",
    "unless someone writes it down",
]
QUESTIONS = ["Who owns the", "How often do you check the", "What happens to the", "Where do you keep the"]

TITLE_PATTERNS = [
    "How to {verb_base} Your {Adj} {Noun}",
    "{Num} Ways to {verb_base} the {Noun}",
    "A Practical Guide to {Adj} {Noun} Management",
    "What Is a {Adj} {Noun}, and Why Does It Matter?",
    "The {Adj} {Noun} Checklist",
    "{Noun} vs. {Noun2}: Which One Do You Need?",
    "Why Your {Noun} Needs a {Adj} {Noun2}",
    "{Num} Mistakes Teams Make with {Noun} {Noun2s}",
    "Choosing the Right {Noun} for a {Adj} Office",
    "Planning a {Adj} {Noun} Migration",
    "Understanding {Noun} {Noun2} Policies",
    "When to Replace a {Adj} {Noun}",
]
TITLE_VERBS = ["Secure", "Audit", "Simplify", "Document", "Protect", "Plan", "Replace", "Monitor"]
TITLE_SUFFIXES = [
    "for Small Businesses",
    "in Five Steps",
    "Without the Headaches",
    "on a Budget",
    "for Remote Teams",
    "Explained",
    "for Growing Companies",
    "Step by Step",
    "in 2025",
    "for Non-Technical Managers",
    "That Actually Works",
    "Before an Audit",
]

CODE_SNIPPETS = {
    "bash": (
        "#!/usr/bin/env bash\n"
        "set -euo pipefail\n"
        'backup_dir="/srv/backups/{name}"\n'
        'mkdir -p "$backup_dir"\n'
        'rsync -a --delete "/var/lib/{name}/" "$backup_dir/"\n'
        'find "$backup_dir" -type f -mtime +{days} -delete\n'
        'echo "backup of {name} finished at $(date -Iseconds)"\n'
    ),
    "powershell": (
        "$users = Get-ADUser -Filter * -Properties LastLogonDate\n"
        "$cutoff = (Get-Date).AddDays(-{days})\n"
        "$stale = $users | Where-Object {{ $_.LastLogonDate -lt $cutoff }}\n"
        "$stale | Select-Object Name, LastLogonDate |"
        ' Export-Csv -Path "C:\\Reports\\{name}.csv" -NoTypeInformation\n'
        'Write-Output "$($stale.Count) stale accounts in {name}"\n'
    ),
    "python": (
        "from datetime import date, timedelta\n"
        "\n"
        "\n"
        "def overdue(devices: list[dict], days: int = {days}) -> list[str]:\n"
        '    """Names of the devices not patched in the last `days` days."""\n'
        "    cutoff = date.today() - timedelta(days=days)\n"
        '    return [d["name"] for d in devices if d["patched"] < cutoff]\n'
        "\n"
        "\n"
        'print(overdue([{{"name": "{name}", "patched": date(2024, 1, 5)}}]))\n'
    ),
    "yaml": (
        "policy:\n"
        "  name: {name}\n"
        "  retention_days: {days}\n"
        '  schedule: "0 2 * * *"\n'
        "  targets:\n"
        "    - file-server\n"
        "    - mailboxes\n"
        "  notify: it-team@example.com\n"
    ),
    "json": (
        "{{\n"
        '  "name": "{name}",\n'
        '  "enabled": true,\n'
        '  "retentionDays": {days},\n'
        '  "owners": ["it-team@example.com"],\n'
        '  "conditions": {{"requireMfa": true, "blockLegacyAuth": true}}\n'
        "}}\n"
    ),
    "ini": (
        "[{name}]\n"
        "enabled = true\n"
        "retention_days = {days}\n"
        "server = backup01.example.local\n"
        "notify = it-team@example.com\n"
    ),
}


@dataclass(frozen=True)
class PostInfo:
    slug: str
    title: str
    category: str
    status: str
    og_image: str | None
    size: int = 0


UNCOUNTABLE = {"data", "hardware", "software", "storage", "training", "bandwidth", "feedback"}


def plural(noun: str) -> str:
    if noun in UNCOUNTABLE:
        return noun
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def yaml_str(text: str) -> str:
    """A double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


def category_names() -> list[tuple[str, str | None]]:
    names: list[tuple[str, str | None]] = []
    for top, _, children in TAXONOMY:
        names.append((top, None))
        names.extend((child, top) for child in children)
    return names


def categories_yml() -> str:
    lines = [
        "# Generated by benchmarks/generate.py: two-level taxonomy.",
    ]
    for order, (top, description, children) in enumerate(TAXONOMY, 1):
        lines += [f"- name: {yaml_str(top)}", "  description: |", f"    {description}.", f"  order: {order}"]
        for sub_order, child in enumerate(children, 1):
            lines += [
                f"- name: {yaml_str(child)}",
                f"  parent: {yaml_str(top)}",
                "  description: |",
                f"    Articles about **{child}** within {top.lower().replace('&', 'and')}.",
                f"  order: {sub_order}",
            ]
    return "\n".join(lines) + "\n"


class Writer:
    """English-like prose from a word list, driven by one seeded Random."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng

    def noun(self) -> str:
        return self.rng.choice(NOUNS)

    def adj(self) -> str:
        return self.rng.choice(ADJECTIVES)

    def phrase(self) -> str:
        r = self.rng
        det = r.choice(["the", "a", "every", "each", "your", "our", "the"])
        words = [self.adj(), self.noun()] if r.random() < 0.55 else [self.noun()]
        if det == "a" and words[0][0] in "aeiou":
            det = "an"
        return " ".join([det, *words])

    def inline(self, text: str) -> str:
        r = self.rng.random()
        if r < 0.04:
            return f"**{text}**"
        if r < 0.07:
            return f"*{text}*"
        if r < 0.09:
            return f"`{text.replace(' ', '-')}`"
        return text

    def sentence(self) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.08:
            return (
                f"{r.choice(QUESTIONS)} {self.noun()} when {self.phrase()} {r.choice(VERBS)} {self.phrase()}?"
            )
        parts = []
        if kind < 0.35:
            parts.append(r.choice(CONNECTORS))
        parts.append(self.inline(self.phrase()))
        if r.random() < 0.3:
            parts.append(r.choice(ADVERBS))
        parts.append(r.choice(VERBS))
        parts.append(self.inline(self.phrase()))
        if r.random() < 0.5:
            parts.append(r.choice(PREPOSITIONS))
            parts.append(self.phrase())
        if r.random() < 0.25:
            parts[-1] += ","
            parts.append(r.choice(CLAUSES))
        text = " ".join(parts) + "."
        lead = len(text) - len(text.lstrip("*`"))
        return text[:lead] + text[lead].upper() + text[lead + 1 :]

    def paragraph(self, low: int = 3, high: int = 7) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def heading(self, used: set[str]) -> str:
        r = self.rng
        for _ in range(50):
            pattern = r.choice(
                [
                    "{Adj} {nouns}",
                    "Why the {noun} matters",
                    "Checking the {noun}",
                    "When the {noun} {verb} the {noun2}",
                    "{Adj} {noun} and {adj2} {noun2}",
                    "Common {noun} problems",
                    "Setting up the {noun}",
                    "What to do about {adj} {nouns}",
                ]
            )
            text = pattern.format(
                Adj=self.adj().capitalize(),
                adj=self.adj(),
                adj2=self.adj(),
                noun=(noun := self.noun()),
                nouns=plural(noun),
                noun2=self.noun(),
                verb=r.choice(VERBS),
            )
            if text.casefold() not in used:
                used.add(text.casefold())
                return text
        raise RuntimeError("could not find a unique heading")

    def bullets(self) -> str:
        items = []
        for _ in range(self.rng.randint(3, 7)):
            lead = f"**{self.adj().capitalize()} {self.noun()}**: " if self.rng.random() < 0.4 else ""
            text = self.sentence()
            items.append(f"- {lead}{text}")
        return "\n".join(items)

    def numbered(self) -> str:
        return "\n".join(f"{i}. {self.sentence()}" for i in range(1, self.rng.randint(3, 7) + 1))

    def table(self) -> str:
        r = self.rng
        columns = r.randint(3, 4)
        header = [self.noun().capitalize() for _ in range(columns)]
        rows = ["| " + " | ".join(header) + " |", "|" + " --- |" * columns]
        for _ in range(r.randint(3, 7)):
            cells = [
                f"{self.adj()} {self.noun()}" if r.random() < 0.7 else str(r.randint(1, 500))
                for _ in range(columns)
            ]
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows)

    def code(self) -> str:
        language = self.rng.choice(sorted(CODE_SNIPPETS))
        name = f"{self.noun()}-{self.rng.randint(1, 99)}"
        text = CODE_SNIPPETS[language].format(name=name, days=self.rng.randint(7, 365))
        return f"```{language}\n{text}```"


def make_titles(rng: Random, n: int) -> list[str]:
    titles: list[str] = []
    seen: set[str] = set()
    slugs: set[str] = set()
    while len(titles) < n:
        pattern = rng.choice(TITLE_PATTERNS)
        noun, noun2 = rng.sample(NOUNS, 2)
        title = pattern.format(
            verb_base=rng.choice(TITLE_VERBS),
            Adj=rng.choice(ADJECTIVES).capitalize(),
            Noun=noun.capitalize(),
            Noun2=noun2.capitalize(),
            Noun2s=plural(noun2).capitalize(),
            Num=rng.randint(3, 12),
        )
        title = re.sub(r"\ba ([AEIOU])", r"an \1", title)
        if rng.random() < 0.5 or title.casefold() in seen:
            title = f"{title.rstrip('?')} {rng.choice(TITLE_SUFFIXES)}" + ("?" if title.endswith("?") else "")
        slug = slugify(title)
        if title.casefold() in seen or slug in slugs or len(slug) > 80:
            continue
        seen.add(title.casefold())
        slugs.add(slug)
        titles.append(title)
    return titles


# "code": the posts described in benchmarks/README.md (tables and code blocks in about a third,
# half of them with an image). "prose": paragraphs, lists and headings only, about 11 KB, each
# naming an ogImage that does not exist, so that every post gets a drawn social card (issue #16).
PROFILES = ("code", "prose")


def generate(
    dest: Path, n: int, seed: int = 1, size: int | None = None, profile: str = "code"
) -> list[PostInfo]:
    """Write n posts, categories.yml and the social images under dest; return what was written."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    prose = profile == "prose"
    size = size or (11_000 if prose else 10_000)
    rng = Random(seed)
    writer = Writer(rng)
    blog = dest / "blog"
    images = dest / "public" / "blog"
    blog.mkdir(parents=True, exist_ok=True)
    images.mkdir(parents=True, exist_ok=True)
    (dest / "categories.yml").write_text(categories_yml(), encoding="utf-8")

    titles = make_titles(rng, n)
    categories = [name for name, _ in category_names()]
    plan = []
    for title in titles:
        plan.append(
            PostInfo(
                slug=slugify(title),
                title=title,
                category=rng.choice(categories),
                status="draft" if rng.random() < 0.05 else "published",
                og_image=None,
            )
        )
    published = [p.slug for p in plan if p.status == "published"]
    start = dt.date(2019, 1, 1)

    written: list[PostInfo] = []
    for info in plan:
        with_image = rng.random() < 0.5
        og_image = f"/blog/{info.slug}.png" if prose or with_image else None
        date = start + dt.timedelta(days=rng.randrange(7 * 365))
        front = [
            "---",
            f"title: {yaml_str(info.title)}",
            f"slug: {yaml_str(info.slug)}",
            f"category: {yaml_str(info.category)}",
            f"excerpt: {yaml_str(re.sub(r'[*`]', '', writer.sentence() + ' ' + writer.sentence()))}",
        ]
        if og_image:
            front.append(f"ogImage: {yaml_str(og_image)}")
            if not prose:  # prose posts name an image that is missing: a card is drawn
                (images / f"{info.slug}.png").write_bytes(PNG)
        front.append(f"status: {yaml_str(info.status)}")
        front.append(f"date: {date.isoformat()}")
        if rng.random() < 0.3:
            front.append(f"updated: {(date + dt.timedelta(days=rng.randint(1, 400))).isoformat()}")
        front.append(f"author: {yaml_str(rng.choice(AUTHORS))}")
        front.append("tags: [" + ", ".join(yaml_str(t) for t in rng.sample(TAGS, rng.randint(2, 5))) + "]")
        front.append("---")

        target = int(size * rng.uniform(0.8, 1.2)) - 1300
        blocks = [writer.paragraph(2, 4)]
        used: set[str] = set()
        length = len(blocks[0])
        has_table = rng.random() < 0.35 and not prose
        has_code = rng.random() < 0.35 and not prose
        links = rng.randint(0, 2) if rng.random() < 0.4 and not prose else 0
        while length < target:
            section = [f"## {writer.heading(used)}", writer.paragraph()]
            roll = rng.random()
            if roll < 0.3:
                section += [writer.bullets()]
            elif roll < 0.45:
                section += [writer.numbered()]
            if has_table and rng.random() < 0.4:
                section += [writer.table()]
                has_table = False
            if has_code and rng.random() < 0.4:
                section += [writer.code()]
                has_code = False
            if links and published and rng.random() < 0.5:
                other = rng.choice(published)
                if other != info.slug:
                    link = f"[{writer.adj()} {writer.noun()} advice]({other}.md)"
                    section += [f"{writer.sentence()} See also {link}."]
                    links -= 1
            section += [writer.paragraph()]
            for _ in range(rng.choice([0, 0, 1, 2])):
                section += [f"### {writer.heading(used)}", writer.paragraph()]
                if rng.random() < 0.3:
                    section += [writer.bullets()]
            text = "\n\n".join(section)
            blocks.append(text)
            length += len(text) + 2
        content = "\n".join(front) + "\n\n" + "\n\n".join(blocks) + "\n"
        (blog / f"{info.slug}.md").write_text(content, encoding="utf-8")
        written.append(
            PostInfo(info.slug, info.title, info.category, info.status, og_image, len(content.encode()))
        )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="folder to write blog/, categories.yml and public/ into")
    parser.add_argument("--posts", type=int, default=1000, help="number of posts (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile", choices=PROFILES, default="code", help="what the posts hold (default: code)"
    )
    args = parser.parse_args(argv)
    posts = generate(args.dest, args.posts, args.seed, profile=args.profile)
    drafts = sum(p.status == "draft" for p in posts)
    total = sum(p.size for p in posts)
    print(
        f"wrote {len(posts)} posts ({drafts} drafts, {total / 1e6:.1f} MB, "
        f"{sum(p.og_image is not None for p in posts)} with ogImage) and "
        f"{len(category_names())} categories to {args.dest}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
