"""Benchmark sphinx-kb against a plain Sphinx + MyST build of the same posts (the "floor").

    python benchmarks/run.py --posts N [--jobs 1,2] [--keep DIR] [--only kb|floor] [--json FILE]

Generates N posts once (benchmarks/generate.py), then for each variant runs, every build in a
fresh Python process:

  * a full build for each -j in --jobs (fresh output and doctree folders);
  * an incremental rebuild (first -j in --jobs) after appending a sentence to one post's body;
  * a no-op rebuild right after it (nothing changed).

Then it opens both search pages with --query in Chromium (Playwright) and weighs the search
files the browser downloaded to show the results; the kb builds' Pagefind times come from their
logs.

Times are wall clock measured in this process around the child, so interpreter start-up and
imports are included. Peak memory is what the child reports: its own ru_maxrss plus the
RUSAGE_CHILDREN ru_maxrss (the largest -j worker), an upper bound since forked workers share
pages with the parent; beside it, the largest sum of the PSS of the build's processes, sampled
every 0.5 s or less often. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import PROFILES, generate

# The child: exactly `python -m sphinx ARGS` (sphinx/__main__.py calls the same main), then it
# writes its resource usage where BENCH_RUSAGE says. With BENCH_INDEX_AFTER (sphinx-kb's builds),
# it then becomes `python -m sphinx_kb.search DOCTREES` as `make html` runs it after Sphinx: the
# same process (exec frees Sphinx's memory; CPU time and peak RSS carry over), so the sampler and
# the resource usage cover both steps.
RECORD_USAGE = """
import json, os, resource, sys
def record_usage():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.environ["BENCH_RUSAGE"], "w") as f:
        json.dump({"self_maxrss_kb": me.ru_maxrss, "children_maxrss_kb": kids.ru_maxrss,
                   "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}, f)
"""
INDEX_CHILD = (
    RECORD_USAGE
    + """
from sphinx_kb.search.__main__ import main
try:
    rc = main(sys.argv[1:])
finally:
    record_usage()
sys.exit(rc)
"""
)
CHILD = (
    RECORD_USAGE
    + f"""
from sphinx.cmd.build import main
sys.argv[0] = "sphinx-build"
try:
    rc = main(sys.argv[1:])
finally:
    record_usage()
after = os.environ.get("BENCH_INDEX_AFTER")
if rc == 0 and after:
    sys.stdout.flush(); sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-c", {INDEX_CHILD!r}, after])
sys.exit(rc)
"""
)

KB_CONF = """\
project = "Bench KB"
html_baseurl = "https://kb.example.com/"
extensions = ["sphinx_kb"]
html_theme = "furo"
"""

FLOOR_CONF = """\
# The floor: the same posts with plain Sphinx + MyST and the basic theme.
project = "Bench floor"
extensions = ["myst_parser"]
html_theme = "basic"
# The front-matter title becomes the page's H1, as sphinx-kb does, so pages are comparable.
myst_title_to_header = True
suppress_warnings = ["myst.header"]
"""

FLOOR_INDEX = """\
# Bench floor

```{toctree}
:hidden:
:glob:

blog/*
```
"""

APPENDED = "\n\nThis sentence was appended by the benchmark to measure an incremental rebuild.\n"
VARIANTS = {"kb": "sphinx-kb", "floor": "floor"}
MARKER = ".kb-bench"
WARNING_RE = re.compile(r"\b(WARNING|ERROR|CRITICAL):")
TYPE_RE = re.compile(r"\[([\w.-]+)\]\s*$")
UPDATING_RE = re.compile(r"updating environment: .*?(\d+) added, (\d+) changed")
# sphinx_kb/search/pagefind.py's info lines after a build.
# In the build's log, or the after-build command's ("N pages of SITE indexed ...").
INDEX_RE = re.compile(r"search index: (\d+) pages (?:of .+? )?indexed by Pagefind in ([\d.]+) s")
INDEX_UP_TO_DATE = "search index: up to date"
HEARTBEAT_S = 60
PSS_EVERY_S = 0.5
# Reading the PSS of a few GB of processes takes tens of ms of CPU; the wait between samples
# grows so that sampling takes at most this share of one core, not time from the build.
PSS_CPU_SHARE = 0.02
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FLOOR_SEARCH_FILES = {"searchindex.js", "_static/searchtools.js", "_static/language_data.js"}
# Shown once the first query is answered: kb-search.js's result items; searchtools.js's first
# result item, or its summary when nothing matched (it lists the results 5 ms apart).
RESULTS_SHOWN = {
    "kb": ".kb-search-results .kb-search-result",
    "floor": "#search-results li, #search-results .search-summary:not(:empty)",
}
FIRST_QUERY_TARGET_KB = 300
# firewall (in most posts' bodies), printer (a noun of the generator's vocabulary), backup (also a
# tag and part of a category name), ransomware (a tag only) and 24/7 (issue #4's example: the
# generated posts do not use it, so it weighs what any query costs before its results).
DEFAULT_QUERIES = ["firewall", "backup", "printer", "ransomware", "24/7"]
# Misspelled queries and the word each means: a correction downloads the site's words of one first
# letter (kb-search.js), at most TYPO_EXTRA_TARGET_KB more than the query spelled right.
DEFAULT_TYPOS = {"firewll": "firewall", "bakcup": "backup", "pritner": "printer", "ransomwear": "ransomware"}
TYPO_EXTRA_TARGET_KB = 100
INDEX_SHARE_TARGET = 0.10


def say(text: str) -> None:
    print(text, flush=True)


def machine() -> dict[str, object]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sphinx": version("sphinx"),
        "myst-parser": version("myst-parser"),
        "furo": version("furo"),
        "sphinx-kb": version("sphinx-kb"),
        "sphinx-kb commit": source_version(),
    }


def source_version() -> str | None:
    """The sphinx-kb checkout's commit (+dirty), to notice when the code changed during a run."""
    repo = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no", "--", "sphinx_kb"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if dirty else "")


def busy_cpu_s() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (from /proc/stat), or None."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def group_pss_kb(pgid: int) -> tuple[int, int] | None:
    """The memory the processes of a group use together, in KB: the sum of their proportional
    set sizes (a page shared by n of them counts 1/n in each), from /proc; (all of them,
    Pagefind's share), or None if unreadable."""
    total = pagefind = 0
    found = False
    with os.scandir("/proc") as entries:
        for entry in entries:
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    stat = handle.read()
                # After the command name in parentheses: state, ppid, pgrp.
                if int(stat[stat.rindex(b")") + 2 :].split()[2]) != pgid:
                    continue
                with open(f"/proc/{entry.name}/smaps_rollup", "rb") as handle:
                    for line in handle:
                        if line.startswith(b"Pss:"):
                            pss = int(line.split()[1])
                            total, found = total + pss, True
                            if stat[stat.index(b"(") + 1 : stat.rindex(b")")].startswith(b"pagefind"):
                                pagefind += pss
                            break
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile, or not ours to read
    return (total, pagefind) if found else None


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def last_line(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 4096))
            lines = [x for x in handle.read().decode("utf-8", "replace").splitlines() if x.strip()]
            return lines[-1].strip() if lines else ""
    except OSError:
        return ""


def build(
    label: str, conf: Path, src: Path, out: Path, doctrees: Path, jobs: int, logs: Path, kb: bool = False
) -> dict:
    """One sphinx-build in a fresh process (for sphinx-kb, then its search index, as `make html`
    runs them); returns time, memory, warnings and pages touched."""
    logs.mkdir(parents=True, exist_ok=True)
    stem = label.replace(" ", "_")
    stdout, stderr, rusage = (logs / f"{stem}.{ext}" for ext in ("out", "err", "rusage.json"))
    cmd = [sys.executable, "-c", CHILD, "-b", "html", "-c", str(conf), "-d", str(doctrees)]
    cmd += ["-j", str(jobs), str(src), str(out)]
    env = {**os.environ, "BENCH_RUSAGE": str(rusage), "KB_DRAFTS": ""}
    env.pop("KB_SEARCH_AFTER_BUILD", None)
    env.pop("BENCH_INDEX_AFTER", None)
    if kb:
        env.update(KB_SEARCH_AFTER_BUILD="1", BENCH_INDEX_AFTER=str(doctrees))
    rusage.unlink(missing_ok=True)
    say(f"  {label}: running (-j {jobs}) ...")
    with stdout.open("wb") as out_file, stderr.open("wb") as err_file:
        started_ns = time.time_ns()
        busy_before = busy_cpu_s()
        start = time.perf_counter()
        # Its own process group, so that an interrupted benchmark also stops the -j workers.
        child = subprocess.Popen(cmd, stdout=out_file, stderr=err_file, env=env, start_new_session=True)
        # The build's memory, sampled: all its processes (workers, Pagefind) are in its group.
        pss_peak_kb: int | None = None
        # The same without Pagefind's process: what Sphinx and sphinx-kb need (the floor's kind).
        sphinx_peak_kb: int | None = None
        pagefind_peak_kb = 0
        wait_s = PSS_EVERY_S
        next_beat = start + HEARTBEAT_S
        try:
            while True:
                try:
                    rc = child.wait(timeout=wait_s)
                    break
                except subprocess.TimeoutExpired:
                    sample_cpu = time.process_time()
                    pss = group_pss_kb(child.pid)
                    wait_s = max(PSS_EVERY_S, (time.process_time() - sample_cpu) / PSS_CPU_SHARE)
                    if pss is not None:
                        pss_peak_kb = max(pss_peak_kb or 0, pss[0])
                        sphinx_peak_kb = max(sphinx_peak_kb or 0, pss[0] - pss[1])
                        pagefind_peak_kb = max(pagefind_peak_kb, pss[1])
                    if time.perf_counter() >= next_beat:
                        next_beat += HEARTBEAT_S
                        say(f"    ... {time.perf_counter() - start:.0f} s: {last_line(stdout)[:100]}")
        except BaseException:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
            child.wait()
            raise
        seconds = time.perf_counter() - start
        busy_after = busy_cpu_s()

    err_lines = stderr.read_text(encoding="utf-8", errors="replace").splitlines()
    found = [line for line in err_lines if WARNING_RE.search(line)]
    kinds = Counter(WARNING_RE.search(line).group(1) for line in found)
    types = Counter((m.group(1) if (m := TYPE_RE.search(line)) else "untyped") for line in found)
    log = stdout.read_text(encoding="utf-8", errors="replace")
    usage = json.loads(rusage.read_text()) if rusage.exists() else {}
    # CPU time the rest of the machine used meanwhile: the machine's busy time minus the build's.
    others = None
    if busy_before is not None and busy_after is not None:
        others = max(0.0, busy_after - busy_before - usage.get("cpu_s", 0.0))
    result = {
        "jobs": jobs,
        "seconds": round(seconds, 2),
        "returncode": rc,
        "peak_mb": round((usage.get("self_maxrss_kb", 0) + usage.get("children_maxrss_kb", 0)) / 1024, 1),
        # What the machine needed: the largest sum of the build's processes' PSS (sampled).
        "pss_peak_mb": None if pss_peak_kb is None else round(pss_peak_kb / 1024, 1),
        "pss_peak_sphinx_mb": None if sphinx_peak_kb is None else round(sphinx_peak_kb / 1024, 1),
        "pss_peak_pagefind_mb": round(pagefind_peak_kb / 1024, 1),
        "self_peak_mb": round(usage.get("self_maxrss_kb", 0) / 1024, 1),
        "children_peak_mb": round(usage.get("children_maxrss_kb", 0) / 1024, 1),
        "cpu_s": round(usage.get("cpu_s", 0.0), 2),
        "other_processes_cpu_s": None if others is None else round(others, 1),
        "warnings": kinds.get("WARNING", 0),
        "errors": kinds.get("ERROR", 0) + kinds.get("CRITICAL", 0),
        "warning_types": dict(types.most_common()),
        "warning_examples": found[:5],
        "other_stderr_lines": len([x for x in err_lines if x.strip()]) - len(found),
        # Documents (re-)read, from Sphinx's "updating environment: A added, C changed" line, and
        # HTML pages (re-)written, from their modification times (the log is chunked with -j).
        "pages_read": sum(int(x) for x in m.groups()) if (m := UPDATING_RE.search(log)) else 0,
        "pages_written": sum(1 for p in out.rglob("*.html") if p.stat().st_mtime_ns >= started_ns)
        if out.is_dir()
        else 0,
        "log": str(stdout),
    }
    # Pagefind's own timing (measured in the child around the indexer, part of `seconds`).
    if m := INDEX_RE.search(log):
        result["index_pages"], result["index_s"] = int(m.group(1)), float(m.group(2))
        result["index_share"] = round(result["index_s"] / seconds, 3)
    elif INDEX_UP_TO_DATE in log:
        result["index_up_to_date"] = True
    status = "ok" if rc == 0 else f"EXIT {rc}"
    say(
        f"  {label}: {seconds:.1f} s, peak {result['peak_mb']:.0f} MB "
        f"(sampled PSS {result['pss_peak_mb'] or 0:.0f} MB: Sphinx {result['pss_peak_sphinx_mb'] or 0:.0f}, "
        f"Pagefind {result['pss_peak_pagefind_mb']:.0f}), cpu {result['cpu_s']:.1f} s, "
        f"read {result['pages_read']} / wrote {result['pages_written']} pages, "
        f"{result['warnings']} warnings, {result['errors']} errors, {status}"
    )
    if "index_s" in result:
        say(
            f"    search index: {result['index_pages']} pages by Pagefind in {result['index_s']:.1f} s "
            f"({result['index_share']:.1%} of the build)"
        )
    if others is not None and others > 0.1 * seconds:
        say(
            f"    !! other processes used {others:.0f} CPU s meanwhile "
            f"({others / seconds:.0%} of a core): the time is inflated"
        )
    for line in found[:5]:
        say(f"    | {line[:220]}")
    if len(found) > 5:
        say(f"    | ... {len(found) - 5} more in {stderr}")
    return result


def search_file(variant: str, path: str) -> bool:
    """Whether a downloaded file is there for search (not the page itself or the theme)."""
    if variant == "kb":
        return path.startswith("_pagefind/") or path == "_static/kb-search.js"
    # English stemming is inlined in language_data.js; other languages may load a stemmer file.
    return path in FLOOR_SEARCH_FILES or (path.startswith("_static/") and path.endswith("stemmer.js"))


def first_query(variant: str, site: Path, query: str, browser: Any) -> dict[str, object]:
    """Open the site's search page with `query` in a fresh browser context and weigh what it
    downloaded until the results were shown: the bytes on the wire (make_server gzips text files
    as static hosts do, Chromium accepts gzip) and the decoded bodies."""
    from playwright.sync_api import Error as PlaywrightError

    from sphinx_kb.cli.serve import make_server

    server = make_server(site, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        responses: list[Any] = []
        page.on("response", lambda response: responses.append(response))
        start = time.perf_counter()
        page.goto(base + "search.html?" + urlencode({"q": query}))
        page.wait_for_selector(RESULTS_SHOWN[variant], timeout=180_000)
        shown_s = time.perf_counter() - start
        # What came before the results were shown answered the query; search files fetched
        # after them (Pagefind's filter files, for the counts per category) are reported apart.
        answered = len(responses)
        # Wait for the network to go quiet, so that the result pages searchtools.js fetches for
        # its excerpts (after the results are listed) are seen too.
        seen, quiet_since, deadline = len(responses), time.monotonic(), time.monotonic() + 15
        while time.monotonic() < deadline and time.monotonic() - quiet_since < 1:
            page.wait_for_timeout(200)
            if len(responses) != seen:
                seen, quiet_since = len(responses), time.monotonic()
        status = page.locator(".kb-search-status" if variant == "kb" else ".search-summary").first
        files: Counter[str] = Counter()
        decoded: Counter[str] = Counter()
        later: Counter[str] = Counter()
        fetched: dict[str, int] = {}
        rest = 0
        for number, response in enumerate(list(responses)):
            if not response.url.startswith(base):
                continue
            path = unquote(urlsplit(response.url).path).lstrip("/")
            try:
                # The encoded body: what the reader downloads, compressed or not.
                size = response.request.sizes()["responseBodySize"]
                body_size = len(response.body())
            except PlaywrightError:
                continue  # redirects and aborted requests have no body
            if search_file(variant, path):
                (files if number < answered else later)[path] += size
                if number < answered:
                    decoded[path] += body_size
            elif response.request.resource_type in ("fetch", "xhr"):
                fetched[path] = size
            else:
                rest += size
        return {
            "total_kb": round(sum(files.values()) / 1e3, 1),
            "files": dict(files.most_common()),
            "decoded_kb": round(sum(decoded.values()) / 1e3, 1),
            "decoded_files": dict(decoded.most_common()),
            "after_results_kb": round(sum(later.values()) / 1e3, 1),
            "after_results_files": dict(later.most_common()),
            "seconds_to_results": round(shown_s, 2),
            "status": " ".join(status.inner_text().split()) or "still listing results",
            "other_fetches": len(fetched),
            "other_fetches_kb": round(sum(fetched.values()) / 1e3, 1),
            "page_and_theme_kb": round(rest / 1e3, 1),
        }
    finally:
        context.close()
        server.shutdown()
        server.server_close()


def measure_typos(
    site: Path, typos: dict[str, str], answers: dict[str, dict], browser: Any
) -> dict[str, dict]:
    """Each misspelled query as a first query, with what it costs over the word spelled right."""
    measured: dict[str, dict] = {}
    for typo, meant in typos.items():
        try:
            found = first_query("kb", site, typo, browser)
            right = answers.get(meant) or first_query("kb", site, meant, browser)
            found["meant"] = meant
            found["meant_kb"] = right["total_kb"]
            found["extra_kb"] = round(found["total_kb"] - right["total_kb"], 1)
            say(
                f"  kb {typo!r} (for {meant!r}): {found['total_kb']:.1f} KB on the wire, "
                f"{found['extra_kb']:+.1f} KB over {meant!r}, "
                f"results after {found['seconds_to_results']:.1f} s"
            )
        except Exception as error:  # a measurement, never a reason to lose the builds
            found = {"meant": meant, "error": f"{type(error).__name__}: {error}"[:500]}
            say(f"  kb {typo!r}: failed: {found['error']}")
        measured[typo] = found
    return measured


def measure_first_query(
    results: dict[str, dict], sites: dict[str, Path], queries: list[str], chromium: str, typos: dict[str, str]
) -> str | None:
    """first_query on each variant's site, into its results; why it was skipped, or None.

    sphinx-kb answers every query, each in a fresh browser context (a first query each time);
    its "first_query" is the heaviest of them, the one the target is checked against. The floor
    downloads the same searchindex.js whatever the query: it answers the first query only."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "needs chromium and playwright"
    if not Path(chromium).is_file():
        return "needs chromium and playwright"
    say(f"== first query in Chromium: {', '.join(map(repr, queries))}")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for name, site in sites.items():
                answers: dict[str, dict] = {}
                for query in queries if name == "kb" else queries[:1]:
                    try:
                        found = first_query(name, site, query, browser)
                        shown = found["seconds_to_results"]
                        say(
                            f"  {name} {query!r}: {found['total_kb']:.1f} KB on the wire "
                            f"({found['decoded_kb']:.1f} KB decoded), results after {shown:.1f} s"
                        )
                    except Exception as error:  # a measurement, never a reason to lose the builds
                        found = {"error": f"{type(error).__name__}: {error}"[:500]}
                        say(f"  {name} {query!r}: failed: {found['error']}")
                    answers[query] = {"query": query, **found}
                measured = [a for a in answers.values() if "error" not in a]
                results[name]["queries"] = answers
                if name == "kb" and typos:
                    results[name]["typos"] = measure_typos(site, typos, answers, browser)
                results[name]["first_query"] = (
                    max(measured, key=lambda a: a["total_kb"]) if measured else next(iter(answers.values()))
                )
            browser.close()
    except Exception as error:
        return f"Chromium could not be used: {type(error).__name__}: {error}"[:500]
    return None


def prepare(work: Path, posts_dir: Path) -> dict[str, dict[str, Path]]:
    kb, floor = work / "kb", work / "floor"
    (kb / "conf").mkdir(parents=True)
    (kb / "conf" / "conf.py").write_text(KB_CONF, encoding="utf-8")
    shutil.copytree(posts_dir, kb / "source")
    (floor / "conf").mkdir(parents=True)
    (floor / "conf" / "conf.py").write_text(FLOOR_CONF, encoding="utf-8")
    (floor / "source").mkdir()
    shutil.copytree(posts_dir / "blog", floor / "source" / "blog")
    (floor / "source" / "index.md").write_text(FLOOR_INDEX, encoding="utf-8")
    return {
        name: {"root": root, "conf": root / "conf", "src": root / "source"}
        for name, root in (("kb", kb), ("floor", floor))
    }


def run_variant(name: str, paths: dict[str, Path], jobs: list[int], sample: str) -> dict:
    say(f"== {VARIANTS[name]}")
    root, logs = paths["root"], paths["root"] / "logs"
    result: dict[str, object] = {"full": {}}
    conf, src = paths["conf"], paths["src"]
    for j in jobs:
        result["full"][str(j)] = build(
            f"{name} full j{j}",
            conf,
            src,
            root / f"html-j{j}",
            root / f"doctrees-j{j}",
            j,
            logs,
            name == "kb",
        )
    first = jobs[0]
    out = root / f"html-j{first}"
    result["output_mb"] = round(tree_bytes(out) / 1e6, 2) if out.is_dir() else None
    page = out / "blog" / f"{sample}.html"
    result["page_kb"] = round(page.stat().st_size / 1e3, 1) if page.is_file() else None

    post = paths["src"] / "blog" / f"{sample}.md"
    with post.open("a", encoding="utf-8") as handle:
        handle.write(APPENDED)
    for kind in ("incremental", "noop"):
        result[kind] = build(
            f"{name} {kind} j{first}", conf, src, out, root / f"doctrees-j{first}", first, logs, name == "kb"
        )
    if page.is_file() and "appended by the benchmark" not in page.read_text(encoding="utf-8"):
        say(f"  !! {page} does not contain the appended sentence after the incremental rebuild")
        result["incremental"]["stale_page"] = True
    return result


def figures(result: dict, jobs: list[int]) -> dict[str, float | None]:
    rows: dict[str, float | None] = {}
    for j in jobs:
        full = result["full"][str(j)]
        rows[f"full build -j {j} (s)"] = full["seconds"]
        rows[f"peak memory -j {j} (MB)"] = full["peak_mb"]
        rows[f"peak memory, sampled PSS -j {j} (MB)"] = full.get("pss_peak_mb")
        rows[f"  without Pagefind -j {j} (MB)"] = full.get("pss_peak_sphinx_mb")
        rows[f"  Pagefind alone -j {j} (MB)"] = full.get("pss_peak_pagefind_mb")
        rows[f"CPU time -j {j} (s)"] = full["cpu_s"]
    rows["output size (MB)"] = result["output_mb"]
    rows["one post page (KB)"] = result["page_kb"]
    rows["incremental rebuild (s)"] = result["incremental"]["seconds"]
    rows["  pages re-read / written"] = None
    rows["no-op rebuild (s)"] = result["noop"]["seconds"]
    for j in jobs:
        rows[f"Pagefind index -j {j} (s)"] = result["full"][str(j)].get("index_s")
    rows["Pagefind index, incremental (s)"] = result["incremental"].get("index_s")
    rows["first-query download (KB)"] = (result.get("first_query") or {}).get("total_kb")
    return rows


def file_lines(files: dict[str, int], decoded: dict[str, int] | None = None) -> list[str]:
    """One line per file, or per folder of more than 5 (Pagefind's fragments), largest first;
    with `decoded`, each line also gives the decoded size in parentheses."""
    per_folder = Counter(str(PurePosixPath(f).parent) for f in files)
    groups: dict[str, list[int]] = {}
    plain: Counter[str] = Counter()
    for path, size in files.items():
        folder = str(PurePosixPath(path).parent)
        key = f"{folder}/* ({per_folder[folder]} files)" if per_folder[folder] > 5 else path
        groups.setdefault(key, []).append(size)
        plain[key] += (decoded or {}).get(path, 0)
    totals = sorted(((sum(sizes), key) for key, sizes in groups.items()), reverse=True)
    if decoded is None:
        return [f"{size / 1e3:8.1f} KB  {key}" for size, key in totals]
    return [f"{size / 1e3:8.1f} KB {f'({plain[key] / 1e3:.1f} KB)':>12}  {key}" for size, key in totals]


def report_search(results: dict, jobs: list[int], info: dict) -> None:
    say("")
    say(
        f"Search (targets: Pagefind indexing under {INDEX_SHARE_TARGET:.0%} of a full build, "
        f"a first query under {FIRST_QUERY_TARGET_KB} KB):"
    )
    if "kb" in results:
        kb = results["kb"]
        builds = {f"full -j {j}": kb["full"][str(j)] for j in jobs}
        builds.update(incremental=kb["incremental"], noop=kb["noop"])
        for label, b in builds.items():
            if "index_s" in b:
                verdict = ""
                if label.startswith("full"):
                    verdict = " ok" if b["index_share"] < INDEX_SHARE_TARGET else " !! over the target"
                text = (
                    f"{b['index_pages']} pages in {b['index_s']:.1f} s, {b['index_share']:.1%} "
                    f"of the build's {b['seconds']:.1f} s{verdict}"
                )
            else:
                text = "up to date" if b.get("index_up_to_date") else "no Pagefind line in its log"
            say(f"  Pagefind index, {label:12} {text}")
    if info["first_query"]["skipped"]:
        say(f"  first-query bytes: skipped ({info['first_query']['skipped']})")
        return
    say(
        "  first-query bytes, search.html?q=QUERY in Chromium, each query in a fresh browser, search "
        "files only, on the wire with gzip as static hosts serve them (decoded in parentheses):"
    )
    kb_answers = results.get("kb", {}).get("queries", {})
    for query, found in kb_answers.items():
        if "error" in found:
            say(f"    {VARIANTS['kb']:10} {query!r:14} failed: {found['error']}")
            continue
        verdict = " ok" if found["total_kb"] < FIRST_QUERY_TARGET_KB else " !! over the target"
        say(
            f"    {VARIANTS['kb']:10} {query!r:14} {found['total_kb']:8.1f} KB "
            f"({found['decoded_kb']:.1f} KB decoded){verdict} ({found['status']})"
        )
    for typo, found in results.get("kb", {}).get("typos", {}).items():
        if "error" in found:
            say(f"    {VARIANTS['kb']:10} {typo!r:14} failed: {found['error']}")
            continue
        verdict = " ok" if found["extra_kb"] <= TYPO_EXTRA_TARGET_KB else " !! over the target"
        say(
            f"    {VARIANTS['kb']:10} {typo!r:14} {found['total_kb']:8.1f} KB, "
            f"{found['extra_kb']:+.1f} KB over {found['meant']!r} "
            f"(target: at most +{TYPO_EXTRA_TARGET_KB} KB){verdict} ({found['status']})"
        )
    for n in (n for n in VARIANTS if n in results):
        found = results[n].get("first_query") or {}
        if "error" in found:
            if n != "kb":
                say(f"    {VARIANTS[n]:10} failed: {found['error']}")
            continue
        plain = f" ({found['decoded_kb']:.1f} KB decoded)" if "decoded_kb" in found else ""
        what = "the heaviest query" if n == "kb" and len(kb_answers) > 1 else "query"
        say(
            f"    {VARIANTS[n]:10} {what} {found.get('query', '')!r}: "
            f"{found['total_kb']:.1f} KB{plain} ({found['status']})"
        )
        for line in file_lines(found["files"], found.get("decoded_files")):
            say(f"      {line}")
        other = f"{found['page_and_theme_kb']:.1f} KB for the page, theme and images"
        if found["other_fetches"]:
            other += (
                f"; {found['other_fetches']} other fetches (e.g. result pages for excerpts), "
                f"{found['other_fetches_kb']:.1f} KB"
            )
        if found.get("after_results_kb"):
            names = ", ".join(found["after_results_files"])
            later = f"{found['after_results_kb']:.1f} KB of search files fetched after the results ({names})"
            other = f"{later}; {other}"
        say(f"      not counted: {other}")


def report(results: dict, jobs: list[int], info: dict) -> dict[str, float]:
    names = [n for n in VARIANTS if n in results]
    table = {n: figures(results[n], jobs) for n in names}
    ratios: dict[str, float] = {}
    width = max(len(k) for k in next(iter(table.values())))
    head = f"{'':{width}}" + "".join(f"{VARIANTS[n]:>14}" for n in names)
    if len(names) == 2:
        head += f"{'kb / floor':>14}"
    say("")
    say(f"Results: {info['posts']} posts ({info['drafts']} drafts), sample post blog/{info['sample']}")
    say(head)
    for key in table[names[0]]:
        if key.strip().startswith("pages"):
            cells = [
                f"{results[n]['incremental']['pages_read']} / {results[n]['incremental']['pages_written']}"
                for n in names
            ]
            say(f"{key:{width}}" + "".join(f"{c:>14}" for c in cells))
            continue
        values = [table[n][key] for n in names]
        line = f"{key:{width}}" + "".join(f"{'-' if v is None else f'{v:.2f}':>14}" for v in values)
        if len(names) == 2 and values[0] is not None and values[1]:
            ratios[key] = round(values[0] / values[1], 2)
            line += f"{ratios[key]:>13.2f}x"
        say(line)
    say("")
    say("Warnings / errors per build:")
    for n in names:
        builds = {f"full -j {j}": results[n]["full"][str(j)] for j in jobs}
        builds.update(incremental=results[n]["incremental"], noop=results[n]["noop"])
        cells = ", ".join(
            f"{k}: {b['warnings']}W/{b['errors']}E"
            + (f" (exit {b['returncode']})" if b["returncode"] else "")
            for k, b in builds.items()
        )
        say(f"  {VARIANTS[n]:10} {cells}")
    report_search(results, jobs, info)
    m = info["machine"]
    say("")
    say(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']}, "
        f"Sphinx {m['sphinx']}, myst-parser {m['myst-parser']}, furo {m['furo']}"
    )
    say(f"sphinx-kb checkout: {m['sphinx-kb commit']}")
    if info["sphinx-kb commit after"] != m["sphinx-kb commit"]:
        say(f"!! sphinx_kb changed during the run (now {info['sphinx-kb commit after']}): run again.")
    say("Times are wall clock around a fresh process (interpreter start-up and imports included).")
    builds = [b for r in results.values() for b in [*r["full"].values(), r["incremental"], r["noop"]]]
    others = sum(b["other_processes_cpu_s"] or 0 for b in builds)
    wall = sum(b["seconds"] for b in builds)
    say(
        f"Other processes used {others:.0f} CPU s during {wall:.0f} s of builds "
        f"({others / wall:.0%} of a core)."
    )
    if others > 0.1 * wall:
        say("!! The machine was not idle: wall-clock times are inflated; compare CPU times or run again.")
    return ratios


def workdir(keep: Path | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="kb-bench-"))
    keep = keep.resolve()
    if keep.exists() and any(keep.iterdir()):
        if not (keep / MARKER).exists():
            sys.exit(f"--keep {keep}: the folder is not empty and was not made by this benchmark")
        for child in ("posts", "kb", "floor"):
            shutil.rmtree(keep / child, ignore_errors=True)
    keep.mkdir(parents=True, exist_ok=True)
    (keep / MARKER).touch()
    return keep


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1000, help="number of generated posts (default 1000)")
    parser.add_argument("--jobs", default="1,2", help="-j values of the full builds, e.g. 1,2 (the default)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it (default: a temp folder)")
    parser.add_argument("--only", choices=sorted(VARIANTS), help="run only one of the two variants")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default="code",
        help="the generated posts: code (tables and code blocks in a third, half with an image; the "
        "default) or prose (paragraphs, lists and headings, every post with a missing image)",
    )
    parser.add_argument(
        "--query",
        action="append",
        help="a query of the first-query bytes, each measured in a fresh browser; repeat for more "
        f"(default: {', '.join(DEFAULT_QUERIES)})",
    )
    parser.add_argument(
        "--typo",
        action="append",
        metavar="TYPO=WORD",
        help="a misspelled query and the word it means, weighed against that word; repeat for more "
        f"(default: {', '.join(f'{t}={w}' for t, w in DEFAULT_TYPOS.items())}; --typo none: none)",
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium for the first-query bytes")
    args = parser.parse_args(argv)
    jobs = [int(j) for j in args.jobs.split(",") if j.strip()]
    # `kill` or a CI timeout: unwind like Ctrl-C, so the running build and its workers are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))

    work = workdir(args.keep)
    try:
        say(f"Generating {args.posts} posts ({args.profile} profile) in {work} ...")
        start = time.perf_counter()
        posts = generate(work / "posts", args.posts, args.seed, profile=args.profile)
        published = [p for p in posts if p.status == "published"]
        sample = published[0].slug
        info = {
            "posts": len(posts),
            "drafts": len(posts) - len(published),
            "source_mb": round(sum(p.size for p in posts) / 1e6, 2),
            "sample": sample,
            "seed": args.seed,
            "profile": args.profile,
            "jobs": jobs,
            "machine": machine(),
        }
        elapsed = time.perf_counter() - start
        say(f"  {info['source_mb']} MB of Markdown in {elapsed:.1f} s; sample post: {sample}")
        paths = prepare(work, work / "posts")
        results = {n: run_variant(n, paths[n], jobs, sample) for n in VARIANTS if args.only in (None, n)}
        # The rebuilds left the first full build's folder as a full build would have.
        sites = {n: paths[n]["root"] / f"html-j{jobs[0]}" for n in results}
        queries = args.query or DEFAULT_QUERIES
        typos = DEFAULT_TYPOS if not args.typo else dict(t.split("=", 1) for t in args.typo if "=" in t)
        skipped = measure_first_query(results, sites, queries, args.chromium, typos)
        info["first_query"] = {"queries": queries, "typos": typos, "skipped": skipped}
        info["sphinx-kb commit after"] = source_version()
        ratios = report(results, jobs, info)
        if args.json:
            args.json.write_text(json.dumps({**info, "results": results, "ratios": ratios}, indent=2) + "\n")
            say(f"Wrote {args.json}")
        if args.keep:
            say(f"Kept everything in {work} (logs in {work}/kb/logs and {work}/floor/logs)")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
