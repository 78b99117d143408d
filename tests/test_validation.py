"""Front-matter validation: the Post model, categories.yml, the catalog, and how a build reports problems."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOTS, build, card_file, meta, write_post

from sphinx_kb.content.catalog import Layout
from sphinx_kb.content.categories import load_categories
from sphinx_kb.content.post import parse_post
from sphinx_kb.content.problems import Severity
from sphinx_kb.content.reading import build_catalog

# Lines 2-5 of a post; keys added after them start on line 6.
VALID = "title: A Post\nslug: post\ncategory: Security\nexcerpt: Short."
KNOWN_KEYS = (
    "known keys: title, slug, category, excerpt, ogImage, status, date, updated, author, tags, description, "
    "redirect_from"
)
YAML_FIX = "quote values that contain ':' or '#', e.g. title: \"Backups: a guide\""
BASIC_CATEGORIES = "Managed IT, Security, Backup & Recovery, Empty Category"
BASIC_POSTS = ["backup-rule", "helpdesk-basics", "outsourced-it-partner", "phishing-101"]


def parse(front: str, body: str = "Body text.\n", name: str = "post"):
    """parse_post on `blog/<name>.md` made of `---`, the front-matter lines (from line 2), `---`, body."""
    return parse_post(Path(f"blog/{name}.md"), f"---\n{front}\n---\n\n{body}")


def found(problems) -> list[tuple[int | None, str, str]]:
    return [(p.line, p.severity.value, p.subtype) for p in problems]


def messages(problems) -> list[str]:
    return [p.text for p in problems]


# --- The Post model -------------------------------------------------------------------------------


def test_valid_post_has_every_field():
    post, problems = parse(
        VALID + "\nstatus: draft\ndate: 2024-05-14\nupdated: 2024-06-01\nauthor: Jane Doe\n"
        "ogImage: /blog/post.png\ntags: [backup, cloud]\ndescription: For search engines."
    )
    assert problems == []
    assert post.path == Path("blog/post.md")
    assert (post.title, post.slug, post.category, post.excerpt) == ("A Post", "post", "Security", "Short.")
    assert post.status == "draft"
    assert post.is_draft
    assert post.date == dt.date(2024, 5, 14)
    assert post.updated == dt.date(2024, 6, 1)
    assert post.author == "Jane Doe"
    assert post.og_image == "/blog/post.png"
    assert post.tags == ("backup", "cloud")
    assert post.description == "For search engines."
    assert post.summary == "For search engines."
    assert post.excerpt_from_body is False
    assert post.lines == {
        "title": 2,
        "slug": 3,
        "category": 4,
        "excerpt": 5,
        "status": 6,
        "date": 7,
        "updated": 8,
        "author": 9,
        "ogImage": 10,
        "tags": 11,
        "description": 12,
    }


def test_status_defaults_to_published():
    post, problems = parse(VALID)
    assert problems == []
    assert post.status == "published"
    assert post.summary == "Short."


@pytest.mark.parametrize("missing", ["title", "slug", "category"])
def test_required_field_missing(missing):
    front = "\n".join(line for line in VALID.splitlines() if not line.startswith(f"{missing}:"))
    post, problems = parse(front)
    assert post is None
    assert found(problems) == [(1, "error", "missing-field")]
    assert messages(problems) == [
        f"`{missing}` is required (add a line `{missing}: ...` to the front matter)"
    ]
    assert problems[0].path == Path("blog/post.md")


def test_required_field_empty_points_at_its_line():
    post, problems = parse('title: A Post\nslug: post\ncategory: ""\nexcerpt: Short.')
    assert post is None
    assert found(problems) == [(4, "error", "missing-field")]
    assert messages(problems) == [
        "`category` is required and is empty (add a line `category: ...` to the front matter)"
    ]


def test_empty_front_matter_reports_every_required_field():
    post, problems = parse_post(Path("blog/post.md"), "---\n---\n\nSome text.\n")
    assert post is None
    assert found(problems) == [
        (1, "error", "missing-field"),
        (1, "error", "missing-field"),
        (1, "error", "missing-field"),
        (1, "warning", "excerpt"),
    ]
    assert [p.message for p in problems[:3]] == [
        "`title` is required",
        "`slug` is required",
        "`category` is required",
    ]


@pytest.mark.parametrize(
    ("slug", "fix"),
    [
        ("Bad_Slug", "use `bad-slug`"),
        ("my--post", "use `my-post`"),
        ("-post", "use `post`"),
        ("post-", "use `post`"),
        ("café crème", "use `cafe-creme`"),
        ("!!!", "use e.g. `my-first-post`"),
    ],
)
def test_slug_must_be_lowercase_letters_digits_and_hyphens(slug, fix):
    post, problems = parse(f'title: A Post\nslug: "{slug}"\ncategory: Security\nexcerpt: Short.')
    assert post is None
    assert found(problems) == [(3, "error", "slug")]
    assert messages(problems) == [
        f"slug `{slug}` may only contain lowercase letters, digits and single hyphens ({fix})"
    ]


def test_slug_with_digits_is_valid():
    post, problems = parse(
        "title: T\nslug: top-10-tips-2024\ncategory: C\nexcerpt: E", name="top-10-tips-2024"
    )
    assert problems == []
    assert post.slug == "top-10-tips-2024"


def test_slug_must_equal_file_name():
    post, problems = parse(VALID, name="other-name")
    assert post is None
    assert found(problems) == [(3, "error", "slug")]
    assert messages(problems) == [
        "slug `post` does not match the file name `other-name.md` "
        "(rename the file to `post.md` or set `slug: other-name`)"
    ]


def test_missing_excerpt_uses_first_paragraph_and_warns():
    body = (
        "## Why it matters\n\n"
        "```python\nprint('not this')\n```\n\n"
        "A **first** paragraph with a [link](https://example.com)\n"
        "and `code`, over _two_ lines.\n\n"
        "A second paragraph.\n"
    )
    post, problems = parse("title: A Post\nslug: post\ncategory: Security", body)
    assert found(problems) == [(1, "warning", "excerpt")]
    assert messages(problems) == [
        "no `excerpt`: the first paragraph is used for listings and link previews "
        "(add `excerpt: ...` with one or two sentences)"
    ]
    assert post.excerpt == "A first paragraph with a link and code, over two lines."
    assert post.excerpt_from_body is True


def test_excerpt_from_long_paragraph_is_cut_at_a_word():
    body = " ".join(f"word{i}" for i in range(80)) + "\n"
    post, _ = parse("title: A Post\nslug: post\ncategory: Security", body)
    assert post.excerpt == " ".join(f"word{i}" for i in range(44)) + "…"


def test_excerpt_from_paragraph_starting_with_a_digit():
    post, _ = parse("title: A Post\nslug: post\ncategory: Security", "3 backups saved us\nlast year.\n")
    assert post.excerpt == "3 backups saved us last year."


def test_excerpt_skips_a_leading_image():
    post, _ = parse("title: A Post\nslug: post\ncategory: Security", "![Hero](/hero.png)\n\nReal text.\n")
    assert post.excerpt == "Real text."


@pytest.mark.parametrize("image", ["/blog/post.png", "/x.png", "https://cdn.example.com/a/b.png?v=2"])
def test_og_image_site_root_path_or_https_url(image):
    post, problems = parse(VALID + f"\nogImage: {image}")
    assert problems == []
    assert post.og_image == image


PUBLIC_OR_HTTPS = "for a file in the public folder, or a full https:// URL"


@pytest.mark.parametrize(
    ("image", "fix"),
    [
        ("images/post.png", f"write `/images/post.png` {PUBLIC_OR_HTTPS}"),
        ("./post.png", f"write `/post.png` {PUBLIC_OR_HTTPS}"),
        ("http://example.com/post.png", "social networks want https: write `https://example.com/post.png`"),
        ("ftp://example.com/post.png", f"write `/ftp://example.com/post.png` {PUBLIC_OR_HTTPS}"),
    ],
)
def test_og_image_other_values_are_errors(image, fix):
    post, problems = parse(VALID + f"\nogImage: {image}")
    assert post is None
    assert found(problems) == [(6, "error", "og-image")]
    assert messages(problems) == [f"ogImage `{image}` is neither a site-root path nor an https URL ({fix})"]


def test_og_image_without_scheme_is_an_error():
    post, problems = parse(VALID + "\nogImage: //cdn.example.com/post.png")
    assert post is None
    assert messages(problems) == [
        "ogImage `//cdn.example.com/post.png` has no scheme; social networks need a full URL "
        "(write `https://cdn.example.com/post.png`)"
    ]


@pytest.mark.parametrize("status", ["published", "draft"])
def test_status_published_or_draft(status):
    post, problems = parse(VALID + f"\nstatus: {status}")
    assert problems == []
    assert post.status == status


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Published", "status `Published` is not one of: published, draft"),
        ("live", "status `live` is not one of: published, draft"),
        ("", "status is empty"),
    ],
)
def test_status_other_values_are_errors(value, message):
    post, problems = parse(VALID + f"\nstatus: {value}")
    assert post is None
    assert found(problems) == [(6, "error", "status")]
    assert messages(problems) == [f"{message} (use `status: published` or `status: draft`)"]


@pytest.mark.parametrize(
    ("lines", "date", "updated"),
    [
        ("date: 2024-05-14", dt.date(2024, 5, 14), None),
        ('date: "2024-05-14"', dt.date(2024, 5, 14), None),
        ("date: 2024-05-14T10:30:00Z", dt.datetime(2024, 5, 14, 10, 30, tzinfo=dt.UTC), None),
        (
            'publishedAt: "2024-05-14T10:30:00.000Z"',
            dt.datetime(2024, 5, 14, 10, 30, tzinfo=dt.UTC),
            None,
        ),
        (
            "publishedAt: 2024-05-14\nupdatedAt: 2024-06-02",
            dt.date(2024, 5, 14),
            dt.date(2024, 6, 2),
        ),
        ('date: 2024-05-14\nupdated: "2024-05-14 18:00"', dt.date(2024, 5, 14), dt.datetime(2024, 5, 14, 18)),
    ],
)
def test_dates_and_their_aliases_parse(lines, date, updated):
    post, problems = parse(VALID + "\n" + lines)
    assert problems == []
    assert post.date == date
    assert post.updated == updated


def test_aliases_record_the_line_under_the_field_name():
    post, _ = parse(VALID + "\npublishedAt: 2024-05-14\nupdatedAt: 2024-06-02\nmetaDescription: M")
    assert (post.lines["date"], post.lines["updated"], post.lines["description"]) == (6, 7, 8)


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("date: not-a-date", "date` value `not-a-date"),
        ('date: "2024-02-30"', "date` value `2024-02-30"),
        ('date: "14/05/2024"', "date` value `14/05/2024"),
        ("date: 20240514", "date` value `20240514"),
        ("updatedAt: yesterday", "updated` value `yesterday"),
    ],
)
def test_dates_that_do_not_parse_are_errors(line, shown):
    post, problems = parse(VALID + "\n" + line)
    assert post is None
    assert found(problems) == [(6, "error", "date")]
    assert messages(problems) == [f"`{shown}` is not a date (write it as YYYY-MM-DD, e.g. 2024-05-14)"]


@pytest.mark.parametrize("line", ["date: 2024-02-30", "updated: 2024-13-01"])
def test_impossible_unquoted_date_is_a_problem_not_an_exception(line):
    post, problems = parse(VALID + "\n" + line)
    assert post is None
    assert found(problems) == [(6, "error", "date")]


def test_updated_before_date_is_a_warning():
    post, problems = parse(VALID + "\ndate: 2024-05-14\nupdated: 2024-05-01")
    assert post is not None
    assert found(problems) == [(7, "warning", "date")]
    assert messages(problems) == [
        "`updated` (2024-05-01) is before `date` (2024-05-14) (correct one of the two dates)"
    ]


def test_meta_description_is_an_alias_of_description():
    post, problems = parse(VALID + "\nmetaDescription: For search engines.")
    assert problems == []
    assert post.description == "For search engines."
    assert post.summary == "For search engines."


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            "description: D\nmetaDescription: M",
            "`metaDescription` and `description` both set the description",
        ),
        (
            "metaDescription: M\ndescription: D",
            "`description` and `metaDescription` both set the description",
        ),
        ("date: 2024-01-01\npublishedAt: 2024-01-01", "`publishedAt` and `date` both set the date"),
        ("updatedAt: 2024-01-01\nupdated: 2024-01-01", "`updated` and `updatedAt` both set the updated"),
    ],
)
def test_alias_and_canonical_key_both_set_is_an_error(lines, message):
    post, problems = parse(VALID + "\n" + lines)
    assert post is None
    assert found(problems) == [(7, "error", "front-matter")]
    assert messages(problems) == [f"{message} (keep only one of them)"]


@pytest.mark.parametrize(
    ("key", "fix"),
    [
        ("exerpt", "did you mean `excerpt`?"),
        ("EXCERPT", "did you mean `excerpt`?"),
        ("ogimage", "did you mean `ogImage`?"),
        ("catgory", "did you mean `category`?"),
        ("colour", KNOWN_KEYS),
    ],
)
def test_unknown_key_is_a_warning_with_a_suggestion(key, fix):
    post, problems = parse(VALID + f"\n{key}: value")
    assert post is not None
    assert found(problems) == [(6, "warning", "unknown-key")]
    assert messages(problems) == [f"unknown front-matter key `{key}` ({fix})"]


def test_myst_keys_are_accepted_silently():
    post, problems = parse(
        VALID + "\nmyst:\n  enable_extensions: [colon_fence]\nhtml_meta:\n  keywords: a\norphan: true"
    )
    assert problems == []
    assert post is not None


def test_duplicate_key_points_at_the_second_line():
    post, problems = parse(VALID + "\nauthor: A\ntitle: Another Title")
    assert post is None
    assert found(problems) == [(7, "error", "front-matter")]
    assert messages(problems) == ["`title` is given twice (keep one of the two lines)"]


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        (
            "title: Backups: a guide\nslug: post\ncategory: Security",
            2,
            "mapping values are not allowed in this context",
        ),
        (
            "title: T\nslug: post\ncategory: Security\n\texcerpt: E",
            5,
            "found a tab character that violates indentation",
        ),
        ("title: T\nslug: post\ncategory: [Security\nexcerpt: E", 5, "did not find expected ',' or ']'"),
        ("title: T\nslug: post\ncategory: Security\nexcerpt: 'it's'", 5, "did not find expected key"),
    ],
)
def test_yaml_syntax_error_reports_the_right_line(front, line, message):
    post, problems = parse(front)
    assert post is None
    assert found(problems) == [(line, "error", "front-matter")]
    assert problems[0].message == f"the front matter is not valid YAML: {message}"
    assert problems[0].fix == YAML_FIX


def test_unclosed_quote_reports_the_line_it_opens_on():
    _, problems = parse('title: "A Post\nslug: post\ncategory: Security\nexcerpt: E')
    assert found(problems) == [(2, "error", "front-matter")]


def test_control_character_reports_its_line():
    post, problems = parse(VALID + "\nauthor: a\x00b")
    assert post is None
    assert found(problems) == [(6, "error", "front-matter")]


@pytest.mark.parametrize(
    ("text", "line", "message", "fix"),
    [
        (
            "Just text.\n",
            1,
            "the file does not start with a front-matter block",
            "begin the file with a line '---', the YAML keys (title, slug, category, ...), then '---'",
        ),
        (
            "",
            1,
            "the file does not start with a front-matter block",
            "begin the file with a line '---', the YAML keys (title, slug, category, ...), then '---'",
        ),
        (
            "\n---\ntitle: T\n---\n",
            1,
            "the file does not start with a front-matter block",
            "begin the file with a line '---', the YAML keys (title, slug, category, ...), then '---'",
        ),
        (
            "---\ntitle: T\nslug: post\ncategory: C\n\nBody.\n",
            1,
            "the front-matter block is not closed",
            "add a line '---' after the last key",
        ),
        (
            "---\n- title\n- slug\n---\n",
            2,
            "the front matter is not a list of `key: value` lines",
            "write one `key: value` per line",
        ),
        (
            "---\n\njust a sentence\n---\n",
            3,
            "the front matter is not a list of `key: value` lines",
            "write one `key: value` per line",
        ),
    ],
)
def test_missing_or_unreadable_front_matter(text, line, message, fix):
    post, problems = parse_post(Path("blog/post.md"), text)
    assert post is None
    assert found(problems) == [(line, "error", "front-matter")]
    assert (problems[0].message, problems[0].fix) == (message, fix)


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff---\ntitle: A Post\nslug: post\ncategory: Security\nexcerpt: Short.\n---\n\nBody.\n",
        "---\r\ntitle: A Post\r\nslug: post\r\ncategory: Security\r\nexcerpt: Short.\r\n---\r\n\r\nBody.\r\n",
        "---\ntitle: A Post\nslug: post\ncategory: Security\nexcerpt: Short.\n...\n\nBody.\n",
    ],
    ids=["bom", "crlf", "yaml-end-marker"],
)
def test_front_matter_variants_are_read(text):
    post, problems = parse_post(Path("blog/post.md"), text)
    assert problems == []
    assert (post.title, post.slug, post.category, post.excerpt) == ("A Post", "post", "Security", "Short.")


def test_title_on_several_lines_is_an_error():
    post, problems = parse(
        "title: |\n  First line\n  second line\nslug: post\ncategory: Security\nexcerpt: E"
    )
    assert post is None
    assert found(problems) == [(2, "error", "title")]
    assert messages(problems) == ["the title spans several lines (write the title on one line)"]


def test_folded_title_is_one_line():
    post, problems = parse(
        "title: >\n  First line\n  second line\nslug: post\ncategory: Security\nexcerpt: E"
    )
    assert problems == []
    assert post.title == "First line second line"


@pytest.mark.parametrize(
    ("line", "tags"),
    [
        ("tags: [backup, cloud]", ("backup", "cloud")),
        ("tags:\n  - backup\n  - cloud", ("backup", "cloud")),
        ("tags: backup, cloud", ("backup", "cloud")),
        ('tags: " backup ,, cloud ,"', ("backup", "cloud")),
        ("tags: [backup, backup, 2024]", ("backup", "2024")),
        ("tags: []", ()),
    ],
)
def test_tags_as_list_or_comma_string(line, tags):
    post, problems = parse(VALID + "\n" + line)
    assert problems == []
    assert post.tags == tags


@pytest.mark.parametrize("value", ["{a: 1}", "[backup, [nested]]", "[true]", "5"])
def test_tags_of_another_shape_are_an_error(value):
    post, problems = parse(VALID + f"\ntags: {value}")
    assert post is None
    assert found(problems) == [(6, "error", "front-matter")]
    assert messages(problems) == ['`tags` must be a list of words (write tags: ["backup", "cloud"])']


@pytest.mark.parametrize(
    ("field", "value", "line"),
    [
        ("title", "[1, 2]", 2),
        ("title", "2024-05-14", 2),
        ("category", "{a: 1}", 4),
        ("excerpt", "true", 5),
    ],
)
def test_fields_that_are_not_text_are_errors(field, value, line):
    front = "\n".join(
        f"{field}: {value}" if row.startswith(f"{field}:") else row for row in VALID.splitlines()
    )
    post, problems = parse(front)
    assert post is None
    assert found(problems) == [(line, "error", "front-matter")]
    assert messages(problems) == [f'`{field}` must be text (write it as {field}: "...")']


def test_deeply_nested_value_is_a_problem_not_an_exception():
    post, problems = parse("title: " + "[" * 500 + "]" * 500 + "\nslug: post\ncategory: C\nexcerpt: E")
    assert post is None
    assert found(problems) == [(2, "error", "front-matter")]


def test_every_problem_of_a_file_is_reported_at_once():
    post, problems = parse(
        "title: T\nslug: Post\ncategory: Security\nstatus: live\ndate: someday\nogImage: img.png\nexerpt: E"
    )
    assert post is None
    assert found(problems) == [
        (8, "warning", "unknown-key"),
        (3, "error", "slug"),
        (5, "error", "status"),
        (6, "error", "date"),
        (7, "error", "og-image"),
        (1, "warning", "excerpt"),
    ]
    assert {p.path for p in problems} == {Path("blog/post.md")}


def test_problem_format_and_dict():
    _, problems = parse(VALID.replace("slug: post", "slug: Post"))
    (problem,) = problems
    assert problem.severity is Severity.ERROR
    assert problem.location == "blog/post.md:3"
    assert problem.format() == (
        "blog/post.md:3: error: slug `Post` may only contain lowercase letters, digits and single hyphens "
        "(use `post`) [kb.slug]"
    )
    assert problem.format(relative_to=Path("blog")) == (
        "post.md:3: error: slug `Post` may only contain lowercase letters, digits and single hyphens "
        "(use `post`) [kb.slug]"
    )
    assert problem.as_dict() == {
        "file": "blog/post.md",
        "line": 3,
        "severity": "error",
        "type": "kb",
        "subtype": "slug",
        "message": "slug `Post` may only contain lowercase letters, digits and single hyphens",
        "fix": "use `post`",
    }


# --- categories.yml ------------------------------------------------------------------------------


def categories(tmp_path: Path, text: str):
    path = tmp_path / "categories.yml"
    path.write_text(text, encoding="utf-8")
    loaded, problems = load_categories(path)
    assert {p.path for p in problems} <= {path}
    return loaded, [(p.line, p.severity.value, p.text) for p in problems]


def test_categories_file_is_read(tmp_path):
    loaded, problems = categories(
        tmp_path,
        "- name: Security\n  order: 2\n  description: |\n    Safe.\n"
        "- name: Backup & Recovery\n  slug: backup\n  parent: security\n",
    )
    assert problems == []
    assert [(c.name, c.slug, c.parent, c.order, c.description, c.line) for c in loaded] == [
        ("Security", "security", None, 2, "Safe.", 1),
        ("Backup & Recovery", "backup", "security", 0, "", 5),
    ]


def test_missing_or_empty_categories_file(tmp_path):
    assert load_categories(tmp_path / "categories.yml") == ([], [])
    assert categories(tmp_path, "# nothing yet\n") == ([], [])


def test_category_unknown_parent(tmp_path):
    loaded, problems = categories(tmp_path, "- name: Security\n- name: Backup\n  parent: Safety\n")
    assert problems == [
        (
            3,
            "error",
            "parent `Safety` of category `Backup` is not a category (known categories: Security, Backup)",
        )
    ]
    assert [c.parent for c in loaded] == [None, None]


def test_category_cycle_is_cut(tmp_path):
    loaded, problems = categories(tmp_path, "- name: A\n  parent: B\n- name: B\n  parent: A\n")
    assert problems == [(1, "error", "categories form a loop: A → B → A (remove one `parent` from the loop)")]
    assert [(c.slug, c.parent) for c in loaded] == [("a", None), ("b", "a")]


def test_category_its_own_parent(tmp_path):
    loaded, problems = categories(tmp_path, "- name: Security\n- name: Loop\n  parent: Loop\n")
    assert problems == [(2, "error", "category `Loop` is its own parent (remove its `parent`)")]
    assert [c.parent for c in loaded] == [None, None]


def test_category_leading_into_a_cycle_is_not_blamed(tmp_path):
    loaded, problems = categories(
        tmp_path, "- name: A\n  parent: B\n- name: B\n  parent: C\n- name: C\n  parent: B\n"
    )
    assert [text for _, _, text in problems if "`A`" in text] == []
    assert loaded[0].parent == "b"


def test_category_defined_twice(tmp_path):
    loaded, problems = categories(
        tmp_path,
        "- name: Security\n- name: Backup\n  slug: backup\n"
        "- name: SECURITY\n- name: Copies\n  slug: backup\n",
    )
    assert problems == [
        (4, "error", "category `SECURITY` is defined twice (first on line 1) (merge the two entries)"),
        (5, "error", "category `Copies` is defined twice (first on line 2) (merge the two entries)"),
    ]
    assert [c.name for c in loaded] == ["Security", "Backup"]


@pytest.mark.parametrize(
    ("slug", "fix"), [("Bad Slug", "bad-slug"), ("bad_slug", "bad-slug"), ("7", "7"), ("'-x-'", "x")]
)
def test_category_bad_slug(tmp_path, slug, fix):
    loaded, problems = categories(
        tmp_path, f"- name: Security\n- name: Other\n  description: d\n  slug: {slug}\n"
    )
    shown = slug.strip("'")
    assert problems == [
        (
            4,
            "error",
            f"category slug `{shown}` may only contain lowercase letters, digits and single hyphens "
            f"(use `{fix}`)",
        )
    ]
    assert [c.name for c in loaded] == ["Security"]


def test_category_unknown_key_is_a_warning(tmp_path):
    loaded, problems = categories(tmp_path, "- name: Security\n  descripton: Safe.\n  colour: red\n")
    assert problems == [
        (2, "warning", "unknown category key `descripton` (did you mean `description`?)"),
        (
            3,
            "warning",
            "unknown category key `colour` "
            "(known keys: name, slug, description, parent, order, translations)",
        ),
    ]
    assert [c.name for c in loaded] == ["Security"]


@pytest.mark.parametrize(
    "text", ["Security: Staying safe.\nBackup: Copies.\n", "just some words\n"], ids=["mapping", "scalar"]
)
def test_categories_file_not_a_list(tmp_path, text):
    loaded, problems = categories(tmp_path, text)
    assert loaded == []
    assert problems == [
        (1, "error", "the categories file is not a list (start each category with `- name: ...`)")
    ]


def test_categories_file_entries_must_be_mappings(tmp_path):
    """One broken entry is reported; the other categories are kept."""
    loaded, problems = categories(tmp_path, "- name: Security\n- Backup\n")
    assert [c.name for c in loaded] == ["Security"]
    assert problems == [
        (
            2,
            "error",
            "a category is not a list of `key: value` lines "
            "(write each category as `- name: ...` with its keys below)",
        )
    ]


def test_categories_file_yaml_error_line(tmp_path):
    loaded, problems = categories(tmp_path, "- name: Security\n- name: Backup: Recovery\n")
    assert loaded == []
    assert problems == [
        (
            2,
            "error",
            "the categories file is not valid YAML: mapping values are not allowed in this context "
            f"({YAML_FIX})",
        )
    ]


def test_category_without_name_and_bad_order(tmp_path):
    loaded, problems = categories(tmp_path, "- description: Nameless\n- name: Security\n  order: first\n")
    assert problems == [
        (1, "error", "a category has no `name` (add `name: ...` to it)"),
        (3, "error", "category order `first` is not a whole number (write e.g. `order: 2`)"),
    ]
    assert [(c.name, c.order) for c in loaded] == [("Security", 0)]


# --- The catalog (every post and categories.yml, without Sphinx) -------------------------------


def post_file(srcdir: Path, name: str, front: str, body: str = "Some text.\n") -> Path:
    path = srcdir / "blog" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front}\n---\n\n{body}", encoding="utf-8")
    return path


def catalog_problems(srcdir: Path):
    catalog = build_catalog(Layout(srcdir))
    return catalog, [(p.path, p.line, p.severity.value, p.subtype) for p in catalog.problems]


def test_duplicate_slug_reports_both_files(tmp_path):
    a = post_file(tmp_path, "a", "title: A\nslug: b\ncategory: Security\nexcerpt: E")
    b = post_file(tmp_path, "b", "title: B\nslug: b\ncategory: Security\nexcerpt: E")
    _, problems = catalog_problems(tmp_path)
    assert {(path, line) for path, line, _, _ in problems} == {(a, 3), (b, 3)}


def test_unknown_category_is_a_warning_listing_known_categories(tmp_path):
    (tmp_path / "categories.yml").write_text("- name: Managed IT\n- name: Security\n", encoding="utf-8")
    path = post_file(tmp_path, "odd", "title: Odd\nslug: odd\ncategory: Odd Things\nexcerpt: E")
    catalog = build_catalog(Layout(tmp_path))
    (problem,) = catalog.problems
    assert (problem.path, problem.line, problem.severity, problem.subtype) == (
        path,
        4,
        Severity.WARNING,
        "unknown-category",
    )
    assert problem.text == (
        "category `Odd Things` is not in categories.yml "
        "(known categories: Managed IT, Security; or add it to categories.yml)"
    )
    assert list(catalog.posts) == ["odd"]
    assert catalog.excluded == set()
    odd = catalog.categories["odd-things"]
    assert (odd.name, odd.declared) == ("Odd Things", False)
    assert [c.slug for c in catalog.listed_categories] == ["odd-things"]


def test_unknown_category_suggests_a_close_name(tmp_path):
    (tmp_path / "categories.yml").write_text("- name: Managed IT\n- name: Security\n", encoding="utf-8")
    post_file(tmp_path, "typo", "title: Typo\nslug: typo\ncategory: Securty\nexcerpt: E")
    catalog = build_catalog(Layout(tmp_path))
    assert [p.text for p in catalog.problems] == [
        "category `Securty` is not in categories.yml "
        "(did you mean `Security`? known categories: Managed IT, Security; or add it to categories.yml)"
    ]


def test_category_named_by_name_in_any_case_or_by_slug(tmp_path):
    (tmp_path / "categories.yml").write_text(
        "- name: Security\n- name: Backup & Recovery\n  slug: backup\n", encoding="utf-8"
    )
    post_file(tmp_path, "one", "title: One\nslug: one\ncategory: security\nexcerpt: E")
    post_file(tmp_path, "two", "title: Two\nslug: two\ncategory: backup\nexcerpt: E")
    post_file(tmp_path, "three", "title: Three\nslug: three\ncategory: BACKUP & RECOVERY\nexcerpt: E")
    catalog, problems = catalog_problems(tmp_path)
    assert problems == []
    assert {slug: catalog.category_of(p).slug for slug, p in catalog.posts.items()} == {
        "one": "security",
        "two": "backup",
        "three": "backup",
    }


def test_without_categories_file_categories_come_from_posts(tmp_path):
    post_file(tmp_path, "one", "title: One\nslug: one\ncategory: Backup & Recovery\nexcerpt: E")
    post_file(tmp_path, "two", "title: Two\nslug: two\ncategory: backup & recovery\nexcerpt: E")
    post_file(tmp_path, "three", "title: Three\nslug: three\ncategory: Security\nexcerpt: E")
    catalog, problems = catalog_problems(tmp_path)
    assert problems == []
    assert {slug: (c.name, c.declared) for slug, c in catalog.categories.items()} == {
        "backup-recovery": ("Backup & Recovery", False),
        "security": ("Security", False),
    }
    assert [p.slug for p in catalog.posts_in("backup-recovery")] == ["one", "two"]


def test_og_image_missing_from_public_folder_is_a_warning(tmp_path):
    (tmp_path / "public" / "blog").mkdir(parents=True)
    (tmp_path / "public" / "blog" / "here.png").write_bytes(b"png")
    post_file(tmp_path, "here", "title: Here\nslug: here\ncategory: C\nexcerpt: E\nogImage: /blog/here.png")
    gone = post_file(
        tmp_path, "gone", "title: Gone\nslug: gone\ncategory: C\nexcerpt: E\nogImage: /blog/gone.png"
    )
    catalog = build_catalog(Layout(tmp_path))
    (problem,) = catalog.problems
    assert (problem.path, problem.line, problem.severity, problem.subtype) == (
        gone,
        6,
        Severity.WARNING,
        "og-image",
    )
    assert problem.text == (
        "ogImage file public/blog/gone.png does not exist; a social card "
        "is used instead (add the image at public/blog/gone.png or fix the path)"
    )
    assert sorted(catalog.posts) == ["gone", "here"]


def test_unreadable_post_is_an_error(tmp_path):
    path = tmp_path / "blog" / "garbage.md"
    path.parent.mkdir()
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    catalog = build_catalog(Layout(tmp_path))
    (problem,) = catalog.problems
    assert (problem.path, problem.severity, problem.subtype) == (path, Severity.ERROR, "read")
    assert problem.text == (
        "cannot read the post: 'utf-8' codec can't decode byte 0x89 in position 0: invalid start byte "
        "(save it as UTF-8 text)"
    )
    assert problem.location == f"{path}:1"
    assert catalog.excluded == {"blog/garbage"}
    assert catalog.files == 1


# --- Builds ----------------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Problems carry `[kb.<subtype>]`; the closing summary is untyped (it can never be suppressed).
LOG_LINE = re.compile(
    r"^(?:(?P<where>.+?): )?(?P<level>ERROR|WARNING): (?P<text>.*?)(?: \[(?P<type>[\w.-]+)\])?$"
)


def logged(result, srcdir: Path) -> list[tuple[str, int | None, str, str, str]]:
    """(file relative to srcdir, line, level, type, text) of every line the build logged.

    Fails on a log line of any other shape, so nothing unexpected slips through."""
    entries = []
    for line in ANSI.sub("", result.warnings).splitlines():
        match = LOG_LINE.match(line)
        assert match, f"unexpected log line: {line!r}"
        where, lineno = match["where"] or "", None
        if located := re.fullmatch(r"(.*):(\d+)", where):
            where, lineno = located[1], int(located[2])
        where = where.removeprefix(f"{srcdir}/")
        entries.append((where, lineno, match["level"], match["type"] or "", match["text"]))
    return entries


def summary(result) -> list[str]:
    return [line for line in ANSI.sub("", result.warnings).splitlines() if line.startswith("ERROR: ")]


def copy_root(tmp_path_factory, name: str = "basic") -> Path:
    target = tmp_path_factory.mktemp(name) / "src"
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target


def sitemap_locs(result) -> set[str]:
    root = ET.parse(result.outdir / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    return {loc.text for loc in root.findall("s:url/s:loc", ns)}


def post_titles(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".kb-post-card-title a")]


def post_pages(result) -> list[str]:
    return sorted(p.stem for p in (result.outdir / "blog").glob("*.html"))


@pytest.fixture(scope="module")
def invalid_build(tmp_path_factory):
    srcdir = copy_root(tmp_path_factory)
    write_post(srcdir, "no-title", "slug: no-title\ncategory: Security\nexcerpt: E\ncolour: red")
    write_post(
        srcdir,
        "bad-slug",
        "title: Bad\nslug: Bad_Slug\ncategory: Security\nexcerpt: E\nstatus: live\ndate: not-a-date",
    )
    write_post(srcdir, "yaml-error", "title: Backups: a guide\nslug: yaml-error\ncategory: Security")
    write_post(srcdir, "dup-key", "title: D\nslug: dup-key\ncategory: Security\nexcerpt: E\ntitle: D2")
    write_post(
        srcdir,
        "two-descriptions",
        "title: T\nslug: two-descriptions\ncategory: Managed IT\nexcerpt: E\n"
        "description: D\nmetaDescription: M",
    )
    write_post(
        srcdir,
        "relative-image",
        "title: R\nslug: relative-image\ncategory: Managed IT\nexcerpt: E\nogImage: r.png",
    )
    # Only warnings: still published.
    write_post(srcdir, "typo", "title: Typo\nslug: typo\ncategory: Security\nexerpt: E")
    with (srcdir / "categories.yml").open("a", encoding="utf-8") as handle:
        handle.write("- name: Orphans\n  parent: Nowhere\n")  # lines 14-15
    return srcdir, build(srcdir)


def test_build_reports_every_problem_of_every_file_at_once(invalid_build):
    srcdir, result = invalid_build
    assert result.statuscode == 1
    entries = logged(result, srcdir)
    assert sorted(entry[:4] for entry in entries) == [
        ("", None, "ERROR", ""),
        ("blog/bad-slug.md", 3, "ERROR", "kb.slug"),
        ("blog/bad-slug.md", 6, "ERROR", "kb.status"),
        ("blog/bad-slug.md", 7, "ERROR", "kb.date"),
        ("blog/dup-key.md", 6, "ERROR", "kb.front-matter"),
        ("blog/no-title.md", 1, "ERROR", "kb.missing-field"),
        ("blog/no-title.md", 5, "WARNING", "kb.unknown-key"),
        ("blog/relative-image.md", 6, "ERROR", "kb.og-image"),
        ("blog/two-descriptions.md", 7, "ERROR", "kb.front-matter"),
        ("blog/typo.md", 1, "WARNING", "kb.excerpt"),
        ("blog/typo.md", 5, "WARNING", "kb.unknown-key"),
        ("blog/yaml-error.md", 2, "ERROR", "kb.front-matter"),
        ("categories.yml", 15, "ERROR", "kb.category"),
    ]
    names = ["bad-slug", "dup-key", "no-title", "relative-image", "two-descriptions", "yaml-error"]
    files = [str(srcdir / "blog" / f"{name}.md") for name in names] + [str(srcdir / "categories.yml")]
    assert summary(result) == [
        f"ERROR: 9 error(s) in 7 file(s) left content out of the site: {', '.join(files)}; "
        "fix them and build again"
    ]


def test_build_log_lines_carry_absolute_location_and_message(invalid_build):
    srcdir, result = invalid_build
    lines = ANSI.sub("", result.warnings).splitlines()
    assert (
        f"{srcdir}/blog/bad-slug.md:3: ERROR: slug `Bad_Slug` may only contain lowercase letters, digits and "
        "single hyphens (use `bad-slug`) [kb.slug]"
    ) in lines
    assert (
        f"{srcdir}/categories.yml:15: ERROR: parent `Nowhere` of category `Orphans` is not a category (known "
        f"categories: {BASIC_CATEGORIES}, Orphans) [kb.category]"
    ) in lines
    assert (
        f"{srcdir}/blog/typo.md:5: WARNING: unknown front-matter key `exerpt` (did you mean `excerpt`?) "
        "[kb.unknown-key]"
    ) in lines


def test_invalid_posts_are_left_out_of_the_site(invalid_build):
    _, result = invalid_build
    assert post_pages(result) == [*BASIC_POSTS, "typo"]
    assert post_titles(result.html("category/security.html")) == ["Phishing 101", "Typo"]
    assert post_titles(result.html("category/managed-it.html")) == [
        "What to Look for in an Outsourced IT Partner",
        "Helpdesk Basics",
    ]
    assert post_titles(result.html("index.html")) == [
        "The 3-2-1 Backup Rule",
        "Phishing 101",
        "What to Look for in an Outsourced IT Partner",
        "Helpdesk Basics",
        "Typo",
    ]
    assert sitemap_locs(result) == {
        "https://kb.test/",
        "https://kb.test/category/managed-it.html",
        "https://kb.test/category/security.html",
        "https://kb.test/category/backup.html",
        *(f"https://kb.test/blog/{slug}.html" for slug in [*BASIC_POSTS, "typo"]),
    }


@pytest.fixture(scope="module")
def nasty_build(tmp_path_factory):
    srcdir = copy_root(tmp_path_factory)
    blog = srcdir / "blog"
    (blog / "garbage.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\x00garbage")
    (blog / "empty.md").write_text("", encoding="utf-8")
    (blog / "listy.md").write_text("---\n- title\n- slug\n---\n\nBody.\n", encoding="utf-8")
    write_post(srcdir, "title-list", "title: [1,2]\nslug: title-list\ncategory: Security\nexcerpt: E")
    write_post(
        srcdir, "bad-date", "title: B\nslug: bad-date\ncategory: Security\nexcerpt: E\ndate: not-a-date"
    )
    write_post(srcdir, "tags-map", "title: T\nslug: tags-map\ncategory: Security\nexcerpt: E\ntags: {a: 1}")
    return srcdir, build(srcdir)


def test_nasty_inputs_never_crash_the_build(nasty_build):
    srcdir, result = nasty_build
    assert result.statuscode == 1
    entries = logged(result, srcdir)
    assert sorted(entries, key=str) == sorted(
        [
            (
                "blog/bad-date.md",
                6,
                "ERROR",
                "kb.date",
                "`date` value `not-a-date` is not a date (write it as YYYY-MM-DD, e.g. 2024-05-14)",
            ),
            (
                "blog/empty.md",
                1,
                "ERROR",
                "kb.front-matter",
                "the file does not start with a front-matter block (begin the file with a line '---', "
                "the YAML keys (title, slug, category, ...), then '---')",
            ),
            (
                "blog/listy.md",
                2,
                "ERROR",
                "kb.front-matter",
                "the front matter is not a list of `key: value` lines (write one `key: value` per line)",
            ),
            (
                "blog/tags-map.md",
                6,
                "ERROR",
                "kb.front-matter",
                '`tags` must be a list of words (write tags: ["backup", "cloud"])',
            ),
            (
                "blog/title-list.md",
                2,
                "ERROR",
                "kb.front-matter",
                '`title` must be text (write it as title: "...")',
            ),
            (
                "blog/garbage.md",
                1,
                "ERROR",
                "kb.read",
                "cannot read the post: 'utf-8' codec can't decode byte 0x89 in position 0: "
                "invalid start byte (save it as UTF-8 text)",
            ),
            (
                "",
                None,
                "ERROR",
                "",
                "6 error(s) in 6 file(s) left content out of the site: "
                + ", ".join(
                    str(srcdir / "blog" / f"{name}.md")
                    for name in ("bad-date", "empty", "garbage", "listy", "tags-map", "title-list")
                )
                + "; fix them and build again",
            ),
        ],
        key=str,
    )
    assert post_pages(result) == BASIC_POSTS


def test_impossible_date_does_not_crash_the_build(make_project):
    srcdir = make_project()
    write_post(srcdir, "leap", "title: Leap\nslug: leap\ncategory: Security\nexcerpt: E\ndate: 2024-02-30")
    result = build(srcdir)
    assert result.statuscode == 1
    assert logged(result, srcdir)[0][:4] == ("blog/leap.md", 6, "ERROR", "kb.date")


def test_build_with_only_warnings_succeeds(make_project):
    srcdir = make_project()
    write_post(
        srcdir,
        "no-excerpt",
        "title: No Excerpt\nslug: no-excerpt\ncategory: Security\ndate: 2024-10-01",
        "## Intro\n\nThe **first** paragraph, with a [link](https://example.com).\n\nThe second one.\n",
    )
    write_post(
        srcdir,
        "odd",
        "title: Odd One\nslug: odd\ncategory: Odd Things\nexcerpt: Strange.\n"
        "ogImage: /blog/missing.png\nexerpt: x",
    )
    result = build(srcdir)
    assert result.statuscode == 0
    assert logged(result, srcdir) == [
        (
            "blog/no-excerpt.md",
            1,
            "WARNING",
            "kb.excerpt",
            "no `excerpt`: the first paragraph is used for listings and link previews "
            "(add `excerpt: ...` with one or two sentences)",
        ),
        (
            "blog/odd.md",
            4,
            "WARNING",
            "kb.unknown-category",
            f"category `Odd Things` is not in categories.yml (known categories: {BASIC_CATEGORIES}; "
            "or add it to categories.yml)",
        ),
        (
            "blog/odd.md",
            6,
            "WARNING",
            "kb.og-image",
            "ogImage file public/blog/missing.png does not exist; a social card is used "
            "instead (add the image at public/blog/missing.png or fix the path)",
        ),
        (
            "blog/odd.md",
            7,
            "WARNING",
            "kb.unknown-key",
            "unknown front-matter key `exerpt` (did you mean `excerpt`?)",
        ),
    ]
    assert post_pages(result) == sorted([*BASIC_POSTS, "no-excerpt", "odd"])

    # The first paragraph stands in for the excerpt on listings and in link previews.
    security = result.html("category/security.html")
    assert post_titles(security) == ["No Excerpt", "Phishing 101"]
    assert security.select_one(".kb-post-card-excerpt").get_text() == "The first paragraph, with a link."
    page = result.html("blog/no-excerpt.html")
    assert meta(page, "og:description") == "The first paragraph, with a link."
    assert meta(page, "description") == "The first paragraph, with a link."

    # Unknown category: the post is kept and the category gets a page.
    odd_things = result.html("category/odd-things.html")
    assert odd_things.find("h1").get_text().rstrip("¶") == "Odd Things"
    assert post_titles(odd_things) == ["Odd One"]
    odd = result.html("blog/odd.html")
    assert odd.select_one("article .kb-post-meta a.kb-category").get_text() == "Odd Things"
    # Missing ogImage file: the post gets a social card, as the warning says.
    card_file(result, odd, "odd")
    assert {"https://kb.test/category/odd-things.html", "https://kb.test/blog/odd.html"} <= sitemap_locs(
        result
    )


def test_build_without_categories_file_takes_categories_from_posts(make_project):
    srcdir = make_project()
    (srcdir / "categories.yml").unlink()
    result = build(srcdir)
    result.assert_no_warnings()
    assert result.statuscode == 0
    assert sorted(p.name for p in (result.outdir / "category").glob("*.html")) == [
        "backup-recovery.html",
        "managed-it.html",
        "security.html",
    ]
    assert post_titles(result.html("category/backup-recovery.html")) == ["The 3-2-1 Backup Rule"]
    assert result.html("category/security.html").select(".kb-category-card") == []
