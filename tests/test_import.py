"""`kb import`: posts of Hugo, Jekyll, Astro, Next.js, MkDocs and Pelican sites (tests/samples/)
imported into a fresh knowledge base, which then builds without a warning."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import build, meta

from sphinx_kb.cli import main
from sphinx_kb.content.frontmatter import split

SAMPLES = Path(__file__).parent / "samples"
BASE = "https://kb.test/"


@pytest.fixture
def kb(make_project) -> Path:
    """A fresh knowledge base (tests/roots/test-basic: conf.py sits in the source folder)."""
    return make_project("basic")


def kb_import(capsys, kb: Path, src: Path | str, *options: str) -> tuple[int, str, str]:
    code = main(["import", str(src), "--conf-dir", str(kb), "--dest", str(kb), *options])
    out, err = capsys.readouterr()
    return code, out, err


def front_matter(kb: Path, slug: str) -> dict:
    return split((kb / "blog" / f"{slug}.md").read_text(encoding="utf-8")).values


def report_of(out: str, source: str) -> list[str]:
    """The report lines of one source file (its heading line and the indented lines below)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(source + " "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("  ")), len(lines))
    return lines[start:end]


def built(kb: Path, builder: str = "html"):
    # Sphinx's own search: Pagefind's indexing would only slow these builds down.
    result = build(kb, builder, overrides={"kb_search": "sphinx"})
    result.assert_no_warnings()
    return result


def article(result, page: str):
    soup = result.html(page)
    return soup, soup.find("article")


def h1(soup) -> str:
    return soup.find("article").find("h1").get_text(strip=True).rstrip("¶")


def test_hugo(kb, capsys):
    code, out, err = kb_import(capsys, kb, SAMPLES / "hugo")
    # The YouTube shortcode cannot be rendered: a problem, so exit status 1.
    assert code == 1
    assert err == "hugo: 3 post(s) imported, 0 skipped, 1 with problems\n"
    report = report_of(out, "content/posts/backup-basics/index.md")
    assert report[0] == f"content/posts/backup-basics/index.md → {kb.as_posix()}/blog/backup-basics.md"
    # TOML front matter, `params` included; unknown keys are listed, never dropped silently.
    assert "  mapped   `date` → date 2021-05-04T09:30:00-05:00" in report
    assert "  mapped   `lastmod` → updated 2022-01-10T08:00:00-05:00" in report
    assert "  mapped   `params.author` → author Dana Whitfield" in report
    assert "  mapped   `categories` → category Backup" in report
    assert "  mapped   category Backup is `Backup & Recovery` in categories.yml" in report
    assert "  dropped  `weight` (posts are listed by date)" in report
    assert "  image    content/posts/backup-basics/cover.png → public/blog/backup-basics/cover.png" in report
    phishing = report_of(out, "content/posts/phishing-signs.md")
    assert "  mapped   `categories` → category Security; Email → tags (one category per post)" in phishing
    assert "  dropped  `keywords` (search engines ignore meta keywords; add them to tags if they matter)" in (
        phishing
    )
    assert (
        "  problem  content/posts/phishing-signs.md:29: `{{< youtube dQw4w9WgXcQ >}}` cannot be rendered: "
        "turned into a comment"
    ) in phishing
    assert "content/about.md: not a post (a page outside any section)" in out.splitlines()
    assert "content/posts/_index.md: not a post (a section's list page)" in out.splitlines()

    basics = front_matter(kb, "backup-basics")
    assert basics["category"] == "Backup & Recovery"
    assert basics["ogImage"] == "/blog/backup-basics/cover.png"
    assert basics["tags"] == ["backup", "nas"]
    # The permalink pattern /:year/:month/:slug/ (the slug falls back to the title), the aliases,
    # a relative one beside the page's own address.
    assert basics["redirect_from"] == [
        "/2021/05/backup-basics-for-small-offices/",
        "/posts/backup-basics/",
        "/2021/05/backups-101",
    ]
    phishing_matter = front_matter(kb, "phishing-signs")
    # `<!--more-->` gives the excerpt; the description stays the description.
    assert phishing_matter["excerpt"].startswith("Most phishing emails give themselves away")
    assert phishing_matter["description"] == "How to tell a phishing email from a real one in under a minute."
    assert phishing_matter["tags"] == ["Email", "phishing", "awareness"]
    assert front_matter(kb, "vpn-rollout")["status"] == "draft"
    assert "<!-- kb import: {{< youtube dQw4w9WgXcQ >}} -->" in (kb / "blog/phishing-signs.md").read_text()

    result = built(kb)
    soup, body = article(result, "blog/backup-basics.html")
    assert h1(soup) == "Backup Basics for Small Offices"
    assert meta(soup, "article:section") == "Backup & Recovery"
    assert meta(soup, "article:published_time").startswith("2021-05-04T09:30:00")
    assert meta(soup, "og:image") == BASE + "blog/backup-basics/cover.png"
    assert (result.outdir / "blog/backup-basics/cover.png").is_file()
    # The `figure` shortcode became an image Sphinx copied; the `ref` shortcode a link.
    image = body.find("img", alt="Backup rotation diagram")
    assert (result.outdir / "blog" / image["src"]).resolve() == (result.outdir / "_images/rotation.png")
    assert body.find("a", string="our phishing guide")["href"] == "phishing-signs.html"
    # A link by the old site's URL points at the new page.
    _, phishing_body = article(result, "blog/phishing-signs.html")
    assert phishing_body.find("a", string="backup basics")["href"] == "backup-basics.html"
    assert not (result.outdir / "blog/vpn-rollout.html").exists()
    # The old addresses redirect (redirects.md).
    assert "/2021/05/backup-basics-for-small-offices/ /blog/backup-basics.html 301" in (
        result.outdir / "_redirects"
    ).read_text(encoding="utf-8")

    dirhtml = built(kb, "dirhtml")
    _, body = article(dirhtml, "blog/backup-basics/index.html")
    assert body.find("a", string="our phishing guide")["href"] == "../phishing-signs/"


def test_jekyll(kb, capsys):
    code, out, _ = kb_import(capsys, kb, SAMPLES / "jekyll")
    assert code == 1
    managers = report_of(out, "_posts/2021-05-04-password-managers.md")
    assert "  mapped   `categories` → category security; tools → tags (one category per post)" in managers
    assert "  dropped  `layout` (the theme lays out every post the same way)" in managers
    assert "  dropped  `comments` (the knowledge base has no comments)" in managers
    rotation = report_of(out, "_posts/2021-06-10-backup-rotation.md")
    assert "  mapped   the file name's date → date 2021-06-10" in rotation
    assert (
        "  problem  _posts/2021-06-10-backup-rotation.md:16: `{% include newsletter.html %}` cannot be "
        "rendered: turned into a comment"
    ) in rotation

    matter = front_matter(kb, "password-managers")
    assert (matter["category"], matter["tags"]) == ("Security", ["tools", "passwords", "mfa"])
    assert matter["excerpt"].startswith("Reusing one password everywhere")
    # Jekyll's `date` permalink style, with the categories in front.
    assert matter["redirect_from"] == ["/security/tools/2021/05/04/password-managers.html"]
    rotation_matter = front_matter(kb, "backup-rotation")
    assert str(rotation_matter["date"]) == "2021-06-10"
    assert rotation_matter["redirect_from"] == ["/backups/rotation/", "/2021/06/10/backup-rotation.html"]
    sla = front_matter(kb, "helpdesk-sla")
    assert (sla["status"], sla["category"], sla["tags"]) == ("draft", "Managed IT", ["support", "sla"])
    # A draft was never published: no old address to redirect from.
    assert "redirect_from" not in sla

    result = built(kb)
    soup, body = article(result, "blog/password-managers.html")
    assert h1(soup) == "Why We Switched to a Password Manager"
    assert meta(soup, "article:section") == "Security"
    assert meta(soup, "og:image") == BASE + "blog/password-managers/vault.png"
    assert body.select_one("div.highlight-bash pre").get_text() == "brew install --cask bitwarden\n"
    assert body.find("img", alt="The vault unlock screen")["src"] == "../_images/unlock.png"
    assert body.find("a", string="backup rotation")["href"] == "backup-rotation.html"
    _, body = article(result, "blog/backup-rotation.html")
    assert body.find("a", string="password managers")["href"] == "password-managers.html"
    assert "{%" not in body.get_text() and "{{" not in body.get_text()
    assert not (result.outdir / "blog/helpdesk-sla.html").exists()


def test_astro(kb, capsys):
    code, out, _ = kb_import(capsys, kb, SAMPLES / "astro", "--dry-run")
    assert code == 1
    assert "  problem  src/content/blog/first-steps-with-mfa.md: no category; give one with " in out
    assert "--category-default NAME" in out

    code, out, _ = kb_import(capsys, kb, SAMPLES / "astro", "--category-default", "security")
    assert code == 1
    cloud = report_of(out, "src/content/blog/cloud-backup-checklist.mdx")
    assert "  mapped   `pubDate` → date 2022-08-15" in cloud
    assert "  mapped   --category-default → category security" in cloud
    assert (
        "  note     src/content/blog/cloud-backup-checklist.mdx:9: MDX `import Callout from "
        "'../../components/Callout.astro';` removed"
    ) in cloud
    assert (
        "  problem  src/content/blog/cloud-backup-checklist.mdx:13: MDX component <Callout> cannot be "
        "rendered: turned into a comment"
    ) in cloud

    mfa = front_matter(kb, "first-steps-with-mfa")
    assert (mfa["category"], str(mfa["date"])) == ("Security", "2022-07-08")
    assert mfa["excerpt"] == "Turn on MFA for email first: it stops most account takeovers."
    # A hero image relative to the post (src/assets/) is copied like a site-root one (public/).
    assert mfa["ogImage"] == "/blog/first-steps-with-mfa/mfa-hero.png"
    assert front_matter(kb, "printer-fleet")["status"] == "draft"

    result = built(kb)
    soup, body = article(result, "blog/cloud-backup-checklist.html")
    assert h1(soup) == "A Cloud Backup Checklist"
    assert meta(soup, "article:modified_time") == "2022-09-01"
    assert meta(soup, "og:image") == BASE + "blog/cloud-backup-checklist/cloud-backup.png"
    assert (result.outdir / "blog/first-steps-with-mfa/mfa-hero.png").is_file()
    assert "Test a restore" not in body.get_text() and "import Callout" not in body.get_text()
    assert body.find("a", string="first steps with MFA")["href"] == "first-steps-with-mfa.html"


def test_nextjs(kb, capsys):
    code, out, _ = kb_import(capsys, kb, SAMPLES / "nextjs")
    assert code == 1
    services = report_of(out, "_posts/managed-services-explained.md")
    assert (
        "  mapped   `ogImage` → ogImage (from /assets/blog/managed-services-explained/cover.png)" in services
    )
    assert "  dropped  `coverImage` (the image comes from `ogImage`)" in services
    assert "  mapped   `author` → author Jane Doe" in services

    services_matter = front_matter(kb, "managed-services-explained")
    assert services_matter["date"].isoformat() == "2023-02-14T05:35:07+00:00"
    assert services_matter["redirect_from"] == ["/posts/managed-services-explained"]
    patch = front_matter(kb, "patch-tuesday")
    assert (patch["category"], patch["tags"]) == ("Managed IT", ["Security", "patching", "windows"])
    assert (str(patch["date"]), patch["author"]) == ("2023-03-14", "Sam Ortiz")
    assert patch["excerpt"] == "How we test and roll out Microsoft's monthly updates in two days."
    zero = front_matter(kb, "zero-trust-notes")
    assert (zero["status"], zero["category"]) == ("draft", "Security")

    result = built(kb)
    soup, body = article(result, "blog/managed-services-explained.html")
    assert meta(soup, "article:section") == "Managed IT"
    assert meta(soup, "author") == "Jane Doe"
    assert body.find("a", string="how we handle Patch Tuesday")["href"] == "patch-tuesday.html"
    _, body = article(result, "blog/patch-tuesday.html")
    assert body.find("a", string="managed services, explained")["href"] == "managed-services-explained.html"
    assert body.find("img", alt="Three rollout waves")["src"] == "../_images/waves.png"
    assert (result.outdir / "blog/patch-tuesday/rollout.png").is_file()


def test_mkdocs(kb, capsys):
    code, out, err = kb_import(capsys, kb, SAMPLES / "mkdocs")
    assert (code, err) == (0, "mkdocs: 3 post(s) imported, 0 skipped, 0 with problems\n")
    laptop = report_of(out, "docs/blog/posts/new-laptop-checklist.md")
    assert "  mapped   the first heading (line 12) → title" in laptop
    assert "  mapped   the text before `<!-- more -->` (line 17) → excerpt" in laptop
    assert "  mapped   `authors` → author Dana Whitfield" in laptop
    playbook = report_of(out, "docs/blog/posts/ransomware-playbook.md")
    assert "  mapped   `date` → date 2024-03-05, updated 2024-04-02" in playbook
    assert "  dropped  `readtime` (reading time is not shown)" in playbook

    laptop_matter = front_matter(kb, "a-new-laptop-checklist")
    assert laptop_matter["title"] == "A New-Laptop Checklist"
    assert laptop_matter["excerpt"] == (
        "Before a new laptop reaches someone's desk, we run through twelve checks. "
        "It takes an hour and saves a week of tickets."
    )
    # The blog plugin's default URL: blog/<yyyy/MM/dd>/<slug from the title>/.
    assert laptop_matter["redirect_from"] == ["/blog/2024/01/31/a-new-laptop-checklist/"]
    playbook_matter = front_matter(kb, "ransomware-first-hour")
    assert (str(playbook_matter["date"]), str(playbook_matter["updated"])) == ("2024-03-05", "2024-04-02")
    assert playbook_matter["author"] == "Sam Ortiz, Dana Whitfield"
    assert playbook_matter["description"] == "What to do in the first hour after ransomware is found."
    assert front_matter(kb, "surveying-the-office-wi-fi")["status"] == "draft"
    text = (kb / "blog/a-new-laptop-checklist.md").read_text(encoding="utf-8")
    assert "<!-- more -->" not in text and "# A New-Laptop Checklist" not in text

    result = built(kb)
    soup, body = article(result, "blog/a-new-laptop-checklist.html")
    assert h1(soup) == "A New-Laptop Checklist"
    assert meta(soup, "og:description") == laptop_matter["excerpt"]
    assert body.select_one("div.admonition.tip p.admonition-title").get_text() == "Do this first"
    assert body.find("img", alt="The enrolment screen")["src"] == "../_images/enrolment.png"
    assert body.find("a", string="our ransomware playbook")["href"] == "ransomware-first-hour.html"
    _, body = article(result, "blog/ransomware-first-hour.html")
    assert body.select_one("div.admonition.warning")
    assert body.find("a", string="new-laptop checklist")["href"] == "a-new-laptop-checklist.html"

    dirhtml = built(kb, "dirhtml")
    _, body = article(dirhtml, "blog/ransomware-first-hour/index.html")
    assert body.find("a", string="new-laptop checklist")["href"] == "../a-new-laptop-checklist/"


def test_pelican(kb, capsys):
    code, out, _ = kb_import(capsys, kb, SAMPLES / "pelican")
    assert code == 0
    assert "content/pages/about.md: not a post (a Pelican page, not an article)" in out.splitlines()
    drill = report_of(out, "content/security/phishing-drill.md")
    assert "  mapped   the folder security/ → category security" in drill
    assert "  mapped   its old address /posts/2023/running-a-phishing-drill.html → redirect_from" in drill

    wifi = front_matter(kb, "guest-wifi")
    assert (wifi["status"], wifi["category"], wifi["tags"]) == ("draft", "Managed IT", ["wifi", "network"])
    # Pelican publishes drafts at drafts/<slug>.html.
    assert wifi["redirect_from"] == ["/drafts/guest-wifi.html"]
    drill_matter = front_matter(kb, "running-a-phishing-drill")
    assert drill_matter["date"].isoformat() == "2023-03-01T10:20:00"
    assert drill_matter["excerpt"] == "How we ran our first phishing drill, and what we changed after it."

    result = built(kb)
    soup, body = article(result, "blog/running-a-phishing-drill.html")
    assert (h1(soup), meta(soup, "article:section")) == ("Running a Phishing Drill", "Security")
    assert body.find("img", alt="Drill results by department")["src"] == "../_images/drill-results.png"
    assert not (result.outdir / "blog/guest-wifi.html").exists()

    preview = build(kb, overrides={"kb_search": "sphinx", "kb_drafts": True}, outdir=kb / "_build/preview")
    preview.assert_no_warnings()
    _, body = article(preview, "blog/guest-wifi.html")
    assert body.find("a", string="phishing drill")["href"] == "running-a-phishing-drill.html"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_dry_run_writes_nothing(kb, capsys):
    before = snapshot(kb)
    code, out, err = kb_import(capsys, kb, SAMPLES / "mkdocs", "--dry-run")
    assert code == 0
    assert (
        err == "mkdocs: 3 post(s) would be imported (dry run: nothing written), 0 skipped, 0 with problems\n"
    )
    assert f"docs/blog/posts/new-laptop-checklist.md → {kb.as_posix()}/blog/a-new-laptop-checklist.md" in out
    assert (
        "  image    docs/blog/images/enrolment.png → public/blog/a-new-laptop-checklist/enrolment.png" in out
    )
    assert snapshot(kb) == before


def test_existing_post_is_not_overwritten(kb, capsys):
    mine = kb / "blog" / "phishing-signs.md"
    mine.write_text(
        '---\ntitle: "Mine"\nslug: "phishing-signs"\ncategory: "Security"\nexcerpt: "Mine."\n---\n\nMine.\n',
        encoding="utf-8",
    )
    before = mine.read_bytes()
    code, out, err = kb_import(capsys, kb, SAMPLES / "hugo")
    assert code == 1
    assert mine.read_bytes() == before
    assert (
        "content/posts/phishing-signs.md: skipped: blog/phishing-signs.md already exists: not overwritten"
        in out.splitlines()
    )
    assert err == "hugo: 2 post(s) imported, 1 skipped, 0 with problems\n"
    assert not (kb / "public/blog/phishing-signs").exists()
    # Links to it still go to the post of that name.
    assert "[our phishing guide](phishing-signs.md)" in (kb / "blog/backup-basics.md").read_text()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_slug_collisions_and_missing_images(kb, tmp_path, capsys):
    """Two posts that want one slug: the first by path keeps it, the next gets `-2`. A missing
    image is reported, and the post is still imported."""
    site = tmp_path / "old"
    write(site / "package.json", '{"dependencies": {"next": "15.0.2"}}')
    post = (
        '---\ntitle: "{title}"\nexcerpt: "E."\ndate: "2023-01-0{day}"\ncategory: Security\n{extra}---\n\n'
        "Text.\n"
    )
    write(site / "_posts/a-first.md", post.format(title="First", day=1, extra="slug: Same Slug\n"))
    write(site / "_posts/b-second.md", post.format(title="Second", day=2, extra="slug: same-slug\n"))
    write(
        site / "_posts/c-third.md",
        post.format(title="Third", day=3, extra="coverImage: /assets/gone.png\n").replace(
            "Text.", "See ![a chart](/assets/chart.png)."
        ),
    )
    code, out, _ = kb_import(capsys, kb, site)
    assert code == 1
    assert "  note     _posts/a-first.md: slug `Same Slug` → `same-slug`" in out.splitlines()
    assert (
        "  note     _posts/b-second.md: slug `same-slug` is _posts/a-first.md's: this post gets `same-slug-2`"
        in out.splitlines()
    )
    assert front_matter(kb, "same-slug")["title"] == "First"
    assert front_matter(kb, "same-slug-2")["title"] == "Second"
    third = report_of(out, "_posts/c-third.md")
    assert "  problem  _posts/c-third.md:9: image `/assets/chart.png` not found; put it at " in "\n".join(
        third
    )
    assert any("public/blog/c-third/chart.png" in line for line in third)
    assert any(
        "kb check warning: ogImage file public/blog/c-third/gone.png does not exist" in line for line in third
    )
    assert front_matter(kb, "c-third")["ogImage"] == "/blog/c-third/gone.png"
    assert "![a chart](../public/blog/c-third/chart.png)" in (kb / "blog/c-third.md").read_text()


def test_kb_check_problems_are_in_the_report(kb, tmp_path, capsys):
    """The written post is checked like `kb check` does: here, a category categories.yml lacks."""
    site = tmp_path / "old"
    shutil.copytree(SAMPLES / "pelican", site)
    text = (site / "content/guest-wifi.md").read_text(encoding="utf-8")
    (site / "content/guest-wifi.md").write_text(text.replace("Category: Managed IT", "Category: Networking"))
    code, out, _ = kb_import(capsys, kb, site)
    assert code == 1
    wifi = report_of(out, "content/guest-wifi.md")
    assert any(
        re.fullmatch(
            r"  problem  blog/guest-wifi\.md:4: kb check warning: category `Networking` is not in "
            r"categories\.yml .*\[kb\.unknown-category\]",
            line,
        )
        for line in wifi
    ), wifi


def test_usage_errors(kb, tmp_path, capsys):
    code, _, err = kb_import(capsys, kb, tmp_path / "nowhere")
    assert (code, err) == (2, f"kb import: no folder at {tmp_path / 'nowhere'}\n")
    write(tmp_path / "plain/notes.md", "Just notes.\n")
    code, _, err = kb_import(capsys, kb, tmp_path / "plain")
    assert code == 2
    assert err.startswith(
        f"kb import: cannot tell which tool wrote {tmp_path / 'plain'}; say it with --from "
    )
    code, _, err = kb_import(capsys, kb, SAMPLES / "hugo", "--category-default", " ")
    assert (code, err) == (2, "kb import: --category-default needs a category name\n")
    with pytest.raises(SystemExit) as exit_info:
        kb_import(capsys, kb, SAMPLES / "hugo", "--from", "wordpress")
    assert exit_info.value.code == 2


def test_json_front_matter_code_and_html_images(kb, tmp_path, capsys):
    """Hugo's JSON front matter; `highlight` becomes a code fence whose text is left alone; a lone
    <img> becomes a Markdown image; a link to an old page that is not a post, with no old site
    address known, is a problem (the build would warn)."""
    site = tmp_path / "old"
    write(site / "hugo.toml", 'title = "Old"\n')
    (site / "static/img").mkdir(parents=True)
    shutil.copy(SAMPLES / "hugo/static/images/phishing-hook.png", site / "static/img/hook.png")
    write(
        site / "content/posts/json-post.md",
        '{\n  "title": "JSON Post",\n  "date": "2024-02-02T04:14:54-08:00",\n'
        '  "categories": ["security"],\n  "summary": "A JSON post."\n}\n\n'
        '<img src="/img/hook.png" alt="The hook">\n\n'
        '{{< highlight go >}}\nfmt.Println("{{< not a shortcode >}}")\n{{< /highlight >}}\n\n'
        "Text with a footnote[^1] and [about us](/about/).\n\n[^1]: The footnote.\n",
    )
    code, out, _ = kb_import(capsys, kb, site)
    assert code == 1
    report = report_of(out, "content/posts/json-post.md")
    assert "  mapped   `date` → date 2024-02-02T04:14:54-08:00" in report
    assert "  note     content/posts/json-post.md:8: an HTML <img> became a Markdown image" in report
    assert (
        "  problem  content/posts/json-post.md:14: link `/about/` points to no imported post or file; "
        "the build will warn about it"
    ) in report
    text = (kb / "blog/json-post.md").read_text(encoding="utf-8")
    assert "![The hook](../public/blog/json-post/hook.png)" in text
    assert '```go\nfmt.Println("{{< not a shortcode >}}")\n```' in text
    assert "[^1]: The footnote." in text
