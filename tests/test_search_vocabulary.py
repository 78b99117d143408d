"""What the build writes beside Pagefind's index so that search understands readers (issue #15):
the site's words for typo correction, and synonyms.yml, checked like the other source files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOTS, build, clean_copy, touch_later, write_post

from sphinx_kb.cli import main
from sphinx_kb.content.synonyms import load_synonyms, normalize
from sphinx_kb.search import order as search_order
from sphinx_kb.search.vocabulary import key_of


def words(outdir: Path, key: str, language: str = "en") -> dict[str, int]:
    path = outdir / "_pagefind" / "kb-words" / language / f"{key}.json"
    return json.loads(path.read_text(encoding="utf-8"))["w"]


def settings(outdir: Path) -> dict:
    return json.loads((outdir / "_pagefind" / "kb-search.json").read_text(encoding="utf-8"))


def all_words(outdir: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for path in sorted((outdir / "_pagefind" / "kb-words" / "en").glob("*.json")):
        found.update(json.loads(path.read_text(encoding="utf-8"))["w"])
    return found


def test_the_words_of_the_indexed_pages_are_written_by_first_letter(make_project):
    src = make_project("search")
    result = build(src)
    result.assert_no_warnings()
    # How many indexed pages hold the word: "laptops" is in a post, and in the description of
    # Hardware, which its category page and the home page show.
    assert words(result.outdir, "p")["phishing"] == 1
    assert words(result.outdir, "l")["laptops"] == 3
    assert words(result.outdir, "r")["ransomware"] == 1
    # A hyphenated word by its parts and joined, as Pagefind finds it.
    assert {"wifi", "two", "factor", "twofactor"} <= all_words(result.outdir).keys()
    # Every file holds the words of its first character, and kb-search.json lists every file.
    folder = result.outdir / "_pagefind" / "kb-words" / "en"
    for path in folder.glob("*.json"):
        assert all(key_of(word) == path.stem for word in words(result.outdir, path.stem)), path.name
    assert settings(result.outdir)["words"] == {"en": sorted(p.stem for p in folder.glob("*.json"))}
    # Words of fewer than 3 letters and numbers are not corrected to: not written.
    assert all(len(word) >= 3 and not word.isdigit() for word in all_words(result.outdir))


def test_drafts_and_unindexed_pages_give_no_words(make_project, monkeypatch):
    src = make_project("basic")
    monkeypatch.setenv("KB_DRAFTS", "1")  # a preview: the draft has a page, never indexed
    write_post(
        src,
        "zebra-secret",
        'title: "Secret"\nslug: zebra-secret\ncategory: Managed IT\nexcerpt: "Hidden."\nstatus: draft',
        "The quokkafluxion plan.\n",
    )
    result = build(src)
    assert (result.outdir / "blog/zebra-secret.html").is_file()
    vocabulary = all_words(result.outdir)
    assert "quokkafluxion" not in vocabulary
    assert "phishing" in vocabulary


def test_synonyms_reach_the_browser_normalized(make_project):
    src = make_project("search")
    result = build(src)
    assert settings(result.outdir)["synonyms"] == [
        ["mfa", "multi factor", "two factor", "2fa"],
        ["m365", "microsoft 365", "office 365"],
        ["wi fi", "wifi", "wireless"],
    ]


def test_editing_synonyms_rewrites_no_page_and_updates_the_file(make_project):
    src = make_project("search")
    build(src).assert_no_warnings()
    synonyms = src / "synonyms.yml"
    synonyms.write_text(synonyms.read_text(encoding="utf-8") + "- [VPN, remote access]\n", encoding="utf-8")
    result = build(src)
    result.assert_no_warnings()
    assert "search index: up to date" in result.status
    assert ["vpn", "remote access"] in settings(result.outdir)["synonyms"]
    synonyms.unlink()
    assert settings(build(src).outdir)["synonyms"] == []


def test_a_rebuild_reads_only_the_new_fragment_and_gives_the_words_of_a_clean_build(
    make_project, monkeypatch, tmp_path
):
    src = make_project("search")
    build(src).assert_no_warnings()
    read: list[str] = []
    original = search_order.read_fragment
    monkeypatch.setattr(search_order, "read_fragment", lambda path: read.append(path.name) or original(path))
    post = src / "blog/printer-troubleshooting-guide.md"
    text = post.read_text(encoding="utf-8").replace("paper jams", "xylophone jams")
    post.write_text(text, encoding="utf-8")
    touch_later(post)
    result = build(src)
    result.assert_no_warnings()
    assert len(read) == 1, read
    rebuilt = all_words(result.outdir)
    assert "xylophone" in rebuilt and "paper" not in rebuilt
    assert rebuilt == all_words(build(clean_copy(src, tmp_path / "clean")).outdir)


def write_synonyms(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "synonyms.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_synonym_groups_are_read_as_lists_or_comma_separated_lines(tmp_path):
    path = write_synonyms(
        tmp_path,
        "# comment\n- [MFA, multi-factor, 2FA]\n- M365, Microsoft 365 ,Office 365\n- [Wi-Fi, wi fi, wifi]\n",
    )
    groups, problems = load_synonyms(path)
    assert problems == []
    assert [g.terms for g in groups] == [
        ("MFA", "multi-factor", "2FA"),
        ("M365", "Microsoft 365", "Office 365"),
        ("Wi-Fi", "wifi"),  # `wi fi` is `Wi-Fi` again
    ]
    assert [g.line for g in groups] == [2, 3, 4]
    assert normalize("Wi-Fi") == "wi fi" and normalize(" Microsoft  365 ") == "microsoft 365"


def test_a_missing_synonyms_file_is_no_synonyms(tmp_path):
    assert load_synonyms(tmp_path / "synonyms.yml") == ([], [])


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("MFA: two-factor\n", 1, "the synonyms file is not a list of groups"),
        ("- [MFA, 2FA]\n- {a: b}\n", 2, "synonym group `{'a': 'b'}` is not a list of words"),
        ("- [MFA]\n", 1, "synonym group `MFA` needs two or more different terms"),
        ("- [MFA, mfa]\n", 1, "synonym group `MFA, mfa` needs two or more different terms"),
        ("- [MFA, '!!', 2FA]\n", 1, "synonym `!!` holds no letter or digit"),
        ("- [MFA, [a, b], 2FA]\n", 1, "synonym `['a', 'b']` is not a word or phrase"),
        ("- [MFA, 2FA]\n- [wifi, 2fa, wireless]\n", 2, "`2fa` is already in the group on line 1 (as `2FA`)"),
        ("- [MFA, 2FA]\n- 'wifi, wireless\n", 2, "the synonyms file is not valid YAML"),
    ],
)
def test_each_mistake_in_the_synonyms_file_is_a_located_warning(tmp_path, text, line, message):
    path = write_synonyms(tmp_path, text)
    _, problems = load_synonyms(path)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.path, problem.line, problem.subtype, problem.severity.value) == (
        path,
        line,
        "synonyms",
        "warning",
    )
    assert problem.message.startswith(message), problem.message
    assert problem.fix


def test_the_build_and_kb_check_report_the_same_synonym_problems(make_project, capsys):
    src = make_project("search")
    (src / "synonyms.yml").write_text("- [MFA, 2FA]\n- [VPN]\n", encoding="utf-8")
    result = build(src)
    assert (
        f"{src / 'synonyms.yml'}:2: WARNING: synonym group `VPN` needs two or more different terms"
        in result.warnings
    )
    assert "[kb.synonyms]" in result.warnings
    conf_dir = src.parent
    (conf_dir / "conf.py").write_text(
        (ROOTS / "test-search" / "conf.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code = main(["check", "--conf-dir", str(conf_dir), "--source", str(src), "--format", "json"])
    reported = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(p["file"], p["line"], p["subtype"]) for p in reported["problems"]] == [
        (str(src / "synonyms.yml"), 2, "synonyms")
    ]
