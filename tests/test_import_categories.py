"""`kb import --add-categories`: the categories the imported posts use that categories.yml lacks
are appended to it (Hugo's nested sections as parents), keeping the file's text; without the
option, the report ends with the command that adds them."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from conftest import build, nav_tree

from sphinx_kb.cli import main
from sphinx_kb.content.categories import load_categories

# test-basic's categories.yml with comments around it, which the import must keep as they are.
COMMENTED = (
    "# The knowledge base's categories (docs/categories.md).\n"
    "# Keep Security first: it is what readers look for.\n"
)
# What the Hugo site below adds: its sections as parents, before their children.
ADDED = (
    "- name: Cloud\n"
    "- name: Azure\n"
    "  parent: Cloud\n"
    "- name: Networking\n"
    "- name: Phishing\n"
    "  parent: Security\n"
)


@pytest.fixture
def kb(make_project) -> Path:
    """A fresh knowledge base (tests/roots/test-basic), its categories.yml commented."""
    project = make_project("basic")
    categories = project / "categories.yml"
    categories.write_text(COMMENTED + categories.read_text(encoding="utf-8") + "# (end of list)\n")
    return project


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def post(title: str, extra: str = "") -> str:
    return f'---\ntitle: "{title}"\ndate: 2024-03-01\nsummary: "About {title}."\n{extra}---\n\nText.\n'


@pytest.fixture
def hugo(tmp_path) -> Path:
    """A Hugo site whose posts sit in nested sections (folders with an `_index.md`)."""
    site = tmp_path / "old site"
    write(site / "hugo.toml", 'baseURL = "https://old.example/"\ntitle = "Old"\n')
    write(site / "content/posts/_index.md", '---\ntitle: "Posts"\n---\n')
    write(site / "content/posts/cloud/_index.md", '+++\ntitle = "Cloud"\n+++\n')
    write(site / "content/posts/cloud/azure/_index.md", '---\ntitle: "Azure"\n---\n')
    write(site / "content/posts/security/_index.md", '---\ntitle: "Security"\n---\n')
    # The folder's name when _index.md has no title.
    write(site / "content/posts/security/phishing/_index.md", "---\nweight: 2\n---\n")
    # A year folder without _index.md is not a section: the post is in cloud/.
    write(site / "content/posts/cloud/2023/cloud-costs.md", post("Cloud Costs"))
    write(site / "content/posts/cloud/azure/entra-id.md", post("Entra ID"))
    # Its own category, one of its sections: the sections above it are its parents.
    write(site / "content/posts/cloud/azure/azure-backup.md", post("Azure Backup", "categories: [azure]\n"))
    write(site / "content/posts/network-basics.md", post("Network Basics", "categories: [Networking]\n"))
    write(site / "content/posts/security/phishing/spotting.md", post("Spotting Phishing"))
    # Categories categories.yml has, by slug and in another case: nothing to add for them.
    write(site / "content/posts/restore-test.md", post("Restore Test", "categories: [backup]\n"))
    write(site / "content/posts/patching.md", post("Patching", "categories: [managed it]\n"))
    return site


def kb_import(capsys, kb: Path, src: Path, *options: str) -> tuple[int, str, str]:
    code = main(["import", str(src), "--conf-dir", str(kb), "--dest", str(kb), *options])
    out, err = capsys.readouterr()
    return code, out, err


def unknown_category_warnings(result) -> list[str]:
    return [line for line in result.warnings.splitlines() if "unknown-category" in line]


def test_adds_nested_categories_and_keeps_the_file(kb, hugo, capsys):
    before = (kb / "categories.yml").read_bytes()
    code, out, err = kb_import(capsys, kb, hugo, "--add-categories")
    assert code == 0, out
    assert (
        err
        == "hugo: 7 post(s) imported, 0 skipped, 0 with problems, 4 category(ies) added to categories.yml\n"
    )
    text = (kb / "categories.yml").read_bytes()
    # The file's bytes are kept, comments included; the entries follow, parents first.
    assert text == before + ADDED.encode()
    lines = out.splitlines()
    assert lines[-7:] == [
        f"{kb.as_posix()}/categories.yml: added 4 categories the posts use:",
        *(f"  {line}" for line in ADDED.splitlines()),
    ]
    assert "  mapped   the section posts/cloud/azure/ → category Azure under Cloud" in lines
    assert "  mapped   category azure is the section posts/cloud/azure/ → category Azure under Cloud" in lines
    assert "  mapped   the section posts/security/phishing/ → category Phishing under Security" in lines

    categories, problems = load_categories(kb / "categories.yml")
    assert problems == []
    parents = {c.name: c.parent for c in categories}
    assert (parents["Azure"], parents["Phishing"], parents["Cloud"]) == ("cloud", "security", None)

    result = build(kb, overrides={"kb_search": "sphinx"})
    assert unknown_category_warnings(result) == []
    result.assert_no_warnings()
    # The sidebar nests them as the old site's sections did.
    tree = {
        name: [child for child, _, _ in children] for name, _, children in nav_tree(result.html("index.html"))
    }
    assert (tree["Cloud"], tree["Security"]) == (["Azure"], ["Backup & Recovery", "Phishing"])


def test_report_ends_with_the_command(kb, hugo, capsys):
    """Without the option: the posts are imported, kb check warns about each unknown category,
    and the report ends with the command to run; that command then adds them."""
    before = (kb / "categories.yml").read_bytes()
    code, out, _ = kb_import(capsys, kb, hugo, "--category-default", "Help desk")
    assert code == 1
    assert (kb / "categories.yml").read_bytes() == before
    assert "[kb.unknown-category]" in out
    command = shlex.join(
        [
            "kb",
            "import",
            str(hugo),
            "--conf-dir",
            str(kb),
            "--dest",
            str(kb),
            "--category-default",
            "Help desk",
            "--add-categories",
        ]
    )
    assert out.splitlines()[-9:] == [
        f"{kb.as_posix()}/categories.yml does not declare 4 categories the posts use; "
        "--add-categories would append:",
        *(f"  {line}" for line in ADDED.splitlines()),
        "To add them, run the import again with --add-categories:",
        f"  {command}",
    ]
    assert "'" in command  # the folder's space is quoted

    # The command as printed: the posts exist now and are skipped, but their categories are added.
    code = main(shlex.split(command)[1:])
    err = capsys.readouterr().err
    assert code == 1  # every post is skipped
    assert err.endswith(
        "0 post(s) imported, 7 skipped, 0 with problems, 4 category(ies) added to categories.yml\n"
    )
    assert (kb / "categories.yml").read_bytes() == before + ADDED.encode()
    assert unknown_category_warnings(build(kb, overrides={"kb_search": "sphinx"})) == []


def test_second_run_adds_nothing(kb, hugo, capsys):
    kb_import(capsys, kb, hugo, "--add-categories")
    after_first = (kb / "categories.yml").read_bytes()
    code, out, _ = kb_import(capsys, kb, hugo, "--add-categories")
    assert code == 1  # the posts exist: skipped
    assert (kb / "categories.yml").read_bytes() == after_first
    assert out.splitlines()[-1] == (
        f"{kb.as_posix()}/categories.yml: nothing to add: it declares every category the posts use"
    )


def test_dry_run_and_a_missing_file(kb, hugo, capsys):
    (kb / "categories.yml").unlink()
    code, out, _ = kb_import(capsys, kb, hugo, "--dry-run")
    assert code == 0  # without categories.yml, the build does not warn
    assert (
        f"{kb.as_posix()}/categories.yml does not exist; --add-categories would create it with the "
        "7 categories the posts use:"
    ) in out
    assert out.splitlines()[-1].endswith(" --dry-run --add-categories")
    code, out, err = kb_import(capsys, kb, hugo, "--add-categories", "--dry-run")
    assert code == 0
    assert not (kb / "categories.yml").exists()
    assert not (kb / "blog/entra-id.md").exists()
    assert err.endswith(", 7 category(ies) would be added to categories.yml\n")
    assert f"{kb.as_posix()}/categories.yml: would create it with 7 categories the posts use:" in out

    code, out, _ = kb_import(capsys, kb, hugo, "--add-categories")
    assert code == 0
    # Without categories.yml, `backup` and `managed it` are categories of their own.
    assert (kb / "categories.yml").read_text(encoding="utf-8") == (
        "- name: Cloud\n- name: Azure\n  parent: Cloud\n- name: Networking\n- name: managed it\n"
        "- name: backup\n- name: Security\n- name: Phishing\n  parent: Security\n"
    )


def test_line_ends_indentation_and_quoting_are_kept(kb, tmp_path, capsys):
    categories = kb / "categories.yml"
    categories.write_bytes(b"# Ours\r\n  - name: Security\r\n  - name: Managed IT\r\n    order: 1")
    before = categories.read_bytes()
    site = tmp_path / "old"
    write(site / "hugo.toml", 'title = "Old"\n')
    write(site / "content/posts/numbers.md", post("Numbers", 'categories: ["2024"]\n'))
    write(site / "content/posts/tips.md", post("Tips", 'categories: ["Q&A: tips"]\n'))
    code, out, _ = kb_import(capsys, kb, site, "--add-categories")
    assert code == 0, out
    assert categories.read_bytes() == before + b'\r\n  - name: "2024"\r\n  - name: "Q&A: tips"\r\n'
    assert [c.name for c in load_categories(categories)[0]] == ["Security", "Managed IT", "2024", "Q&A: tips"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[{name: Security}]\n", "categories.yml: entries cannot be appended: it is not a block list"),
        (
            "- name: Security\n  description: [unclosed\n",
            "categories.yml:3: the categories file is not valid YAML",
        ),
    ],
)
def test_a_file_it_cannot_append_to(kb, hugo, capsys, text, message):
    (kb / "categories.yml").write_text(text, encoding="utf-8")
    code, out, err = kb_import(capsys, kb, hugo, "--add-categories")
    assert (code, out) == (2, "")
    assert err.startswith(f"kb import: {kb / message}")
    assert "run again, or add these by hand:\n- name: Cloud\n- name: Azure\n  parent: Cloud\n" in err
    assert err.endswith("(nothing was written)\n")
    assert (kb / "categories.yml").read_text(encoding="utf-8") == text
    assert not (kb / "blog/entra-id.md").exists()
