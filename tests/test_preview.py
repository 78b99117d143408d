"""The live preview (`kb serve`): sphinx-autobuild with drafts shown, rebuilding on every save."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import REPO

from sphinx_kb import cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(predicate, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"{what} within {seconds} s; kb serve said:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """conf.py and source/ as a writer's checkout has them."""
    shutil.copy(REPO / "conf.py", tmp_path / "conf.py")
    shutil.copytree(
        REPO / "source", tmp_path / "source", ignore=shutil.ignore_patterns("index.md", "category")
    )
    return tmp_path


def test_live_preview_rebuilds_after_a_save_and_stops_cleanly(site: Path):
    port = free_port()
    log = site / "serve.log"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("KB_DRAFTS", None)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sphinx_kb.cli", "serve", "--port", str(port)],
            cwd=site,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}/"
    try:
        page = wait_for(lambda: fetch(base + "blog/outsourced-it-partner.html"), 180, "no page served", log)
        assert "What to Look for in an Outsourced IT Partner" in page
        # Drafts are shown in the preview, which is built apart from the deployable site.
        assert "Zero Trust Roadmap" in (fetch(base + "blog/zero-trust-roadmap.html") or "")
        assert (site / "_build/preview/blog/zero-trust-roadmap.html").is_file()
        assert not (site / "_build/html").exists()
        # Search works in the preview: it is served over HTTP, with its index.
        assert fetch(base + "_pagefind/pagefind-entry.json")

        post = site / "source/blog/outsourced-it-partner.md"
        post.write_text(post.read_text(encoding="utf-8") + "\nA zebrafinch sentence.\n", encoding="utf-8")
        wait_for(
            lambda: "zebrafinch" in (fetch(base + "blog/outsourced-it-partner.html") or ""),
            120,
            "the edit was not served",
            log,
        )
        # The pages the build writes into source/ must not start another build: the preview
        # settles after one rebuild per save.
        time.sleep(6)
        settled = log.read_text(errors="replace").count("Rebuilding...")
        time.sleep(6)
        output = log.read_text(errors="replace")
        assert output.count("Rebuilding...") == settled == 1, output[-3000:]
        assert "Detected changes (source/blog/outsourced-it-partner.md)" in output
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
    assert code == 0, log.read_text(errors="replace")[-3000:]
    assert fetch(base) is None  # nothing is left listening


def test_live_preview_reports_a_port_in_use(site: Path, capsys, monkeypatch):
    monkeypatch.chdir(site)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err
    assert not (site / "_build").exists()  # refused before building anything


def test_live_preview_needs_a_knowledge_base(tmp_path: Path, capsys):
    assert cli.main(["serve", "--conf-dir", str(tmp_path)]) == 2
    assert "no conf.py" in capsys.readouterr().err


def test_the_preview_ignores_every_page_the_build_generates(make_project):
    """A watcher that saw the generated pages would start a second build after each first one:
    the site language's and each declared language's, written yet or not."""
    import re

    from conftest import build

    from sphinx_kb.cli.preview import generated_files
    from sphinx_kb.content.catalog import Layout

    src = make_project()
    (src / "blog/backup-rule.de.md").write_text(
        '---\ntitle: "Regel"\nexcerpt: "x"\ntags: [Sicherung]\n---\n\nText.\n', encoding="utf-8"
    )
    layout = Layout(src, languages=("de", "fr"))
    before = generated_files(layout, "index")
    build(src, overrides={"kb_languages": ["en", "de", "fr"]}).assert_no_warnings()
    after = generated_files(layout, "index")
    generated = [
        p for p in src.rglob("*.md") if p.read_text(encoding="utf-8").find("sphinx-kb: generated") >= 0
    ]
    assert any(p.is_relative_to(src / "de") for p in generated)
    for patterns in (before, after):
        for path in generated:
            assert any(re.search(pattern, path.resolve().as_posix()) for pattern in patterns), path
    # Posts and hand-written files are watched.
    for path in [src / "blog/backup-rule.md", src / "blog/backup-rule.de.md", src / "categories.yml"]:
        assert not any(re.search(pattern, path.resolve().as_posix()) for pattern in after), path
