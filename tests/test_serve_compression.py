"""`kb serve --built` compresses text files on the wire as static hosts do (sphinx_kb/cli/serve.py)."""

from __future__ import annotations

import gzip
import http.client
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import build

from sphinx_kb.cli.serve import accepts_gzip, gzipped, make_server

JS = b"export const kb = 1;\n" + b"function search(query) { return query.trim(); }\n" * 200
HTML = b"<!doctype html><html><body>" + b"<p>Firewall rules for the office.</p>" * 200 + b"</body></html>"
NOT_FOUND = b"<!doctype html><title>Not found</title>" + b"<p>This page does not exist.</p>" * 50
# Pagefind's index files are gzip inside; a hex-like PNG stands in for images.
PAGEFIND = gzip.compress(b"pagefind_dcd" + b"fragment data " * 100)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "kb-search.js").write_bytes(JS)
    (tmp_path / "index.html").write_bytes(HTML)
    (tmp_path / "404.html").write_bytes(NOT_FOUND)
    (tmp_path / "blog").mkdir()
    (tmp_path / "blog" / "index.html").write_bytes(HTML)
    (tmp_path / "blog" / "card.png").write_bytes(PNG)
    pagefind = tmp_path / "_pagefind"
    (pagefind / "fragment").mkdir(parents=True)
    (pagefind / "fragment" / "en_1a2b3c.pf_fragment").write_bytes(PAGEFIND)
    (pagefind / "pagefind.en_4d5e6f.pf_meta").write_bytes(PAGEFIND)
    (pagefind / "wasm.en.pagefind").write_bytes(PAGEFIND)
    return tmp_path


@pytest.fixture
def port(site: Path) -> Iterator[int]:
    server = make_server(site, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def fetch(
    port: int, path: str, encoding: str | None = "gzip, deflate, br", method: str = "GET", **headers: str
) -> tuple[http.client.HTTPResponse, bytes]:
    """One raw request: http.client decodes nothing, so the body is what went over the wire."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    if encoding is not None:
        headers["Accept-Encoding"] = encoding
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


@pytest.mark.parametrize(
    ("path", "file", "content_type"),
    [
        ("/_static/kb-search.js", "_static/kb-search.js", "text/javascript"),
        ("/index.html", "index.html", "text/html"),
        ("/", "index.html", "text/html"),
        ("/blog/", "blog/index.html", "text/html"),
    ],
)
def test_text_files_go_out_gzipped_and_decompress_to_the_file(port, site, path, file, content_type):
    response, body = fetch(port, path)
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert response.getheader("Content-Type").startswith(content_type)
    assert int(response.getheader("Content-Length")) == len(body)
    assert gzip.decompress(body) == (site / file).read_bytes()
    assert len(body) < (site / file).stat().st_size / 3


@pytest.mark.parametrize("encoding", [None, "identity", "gzip;q=0, deflate", "br"])
def test_without_gzip_accepted_text_files_go_out_as_they_are(port, site, encoding):
    response, body = fetch(port, "/_static/kb-search.js", encoding)
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert response.getheader("Vary") == "Accept-Encoding"
    assert int(response.getheader("Content-Length")) == len(body)
    assert body == JS


@pytest.mark.parametrize(
    "path",
    [
        "/_pagefind/fragment/en_1a2b3c.pf_fragment",
        "/_pagefind/pagefind.en_4d5e6f.pf_meta",
        "/_pagefind/wasm.en.pagefind",
        "/blog/card.png",
    ],
)
def test_pagefind_files_and_images_are_never_compressed_again(port, site, path):
    response, body = fetch(port, path)
    assert response.status == 200
    assert response.getheader("Content-Encoding") is None
    assert body == (site / path.lstrip("/")).read_bytes()


def test_the_404_page_is_compressed_and_still_a_404(port):
    response, body = fetch(port, "/deep/nested/missing.html")
    assert response.status == 404
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Vary") == "Accept-Encoding"
    assert int(response.getheader("Content-Length")) == len(body)
    assert gzip.decompress(body) == NOT_FOUND

    response, body = fetch(port, "/deep/nested/missing.html", encoding=None)
    assert (response.status, response.getheader("Content-Encoding"), body) == (404, None, NOT_FOUND)


def test_head_sends_the_headers_of_get_and_no_body(port):
    got, got_body = fetch(port, "/_static/kb-search.js")
    head, head_body = fetch(port, "/_static/kb-search.js", method="HEAD")
    assert head.status == 200 and head_body == b""
    assert head.getheader("Content-Encoding") == "gzip"
    assert head.getheader("Content-Length") == got.getheader("Content-Length") == str(len(got_body))
    missing, missing_body = fetch(port, "/missing", method="HEAD")
    assert missing.status == 404 and missing_body == b""
    assert missing.getheader("Content-Encoding") == "gzip"


def test_a_file_changed_on_disk_is_served_fresh_and_an_unchanged_one_from_the_cache(port, site):
    script = site / "_static" / "kb-search.js"
    fetch(port, "/_static/kb-search.js")
    hits = gzipped.cache_info().hits
    assert gzip.decompress(fetch(port, "/_static/kb-search.js")[1]) == JS
    assert gzipped.cache_info().hits == hits + 1  # not compressed again

    # Same size, new content: only the modification time tells them apart.
    changed = JS.replace(b"kb = 1", b"kb = 2")
    stat = script.stat()
    script.write_bytes(changed)
    os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert gzip.decompress(fetch(port, "/_static/kb-search.js")[1]) == changed

    # A new size with the same modification time.
    script.write_bytes(changed + b"// more\n")
    os.utime(script, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert gzip.decompress(fetch(port, "/_static/kb-search.js")[1]) == changed + b"// more\n"


def test_revalidation_and_redirects_work_as_in_the_standard_handler(port):
    first, _ = fetch(port, "/index.html")
    again, body = fetch(port, "/index.html", **{"If-Modified-Since": first.getheader("Last-Modified")})
    assert again.status == 304 and body == b""
    old = "Mon, 01 Jan 2001 00:00:00 GMT"
    stale, body = fetch(port, "/index.html", **{"If-Modified-Since": old})
    assert stale.status == 200 and gzip.decompress(body) == HTML
    moved, _ = fetch(port, "/blog")
    assert moved.status == 301 and moved.getheader("Location") == "/blog/"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br, zstd", True),
        ("GZIP", True),
        ("br;q=1.0, gzip;q=0.8", True),
        ("*", True),
        ("", False),
        ("identity", False),
        ("br", False),
        ("gzip;q=0", False),
        ("gzip;q=0.0, *", False),
        ("*;q=0", False),
        ("gzip;q=oops", False),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header, expected):
    assert accepts_gzip(header) is expected


def test_a_built_site_sends_pagefind_files_as_they_are_and_text_compressed(make_project):
    """Every file of a real build: Pagefind's own files are never encoded, text files are."""
    outdir = build(make_project()).outdir
    server = make_server(outdir, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        encodings: dict[str, str | None] = {}
        for file in sorted(outdir.rglob("*")):
            if not file.is_file() or file.name.startswith("."):
                continue
            path = file.relative_to(outdir).as_posix()
            response, body = fetch(server.server_address[1], "/" + path)
            assert response.status == 200, path
            encodings[path] = response.getheader("Content-Encoding")
            sent = gzip.decompress(body) if encodings[path] else body
            assert sent == file.read_bytes(), path
    finally:
        server.shutdown()
        server.server_close()
    binary = {"pf_meta", "pf_index", "pf_fragment", "pf_filter", "pagefind"}
    pagefind = [p for p in encodings if p.rsplit(".", 1)[-1] in binary]
    assert {p.rsplit(".", 1)[1] for p in pagefind} >= binary - {"pf_filter"}
    assert not [p for p in pagefind if encodings[p]]
    assert not [p for p in encodings if p.endswith(".png") and encodings[p]]
    text = [p for p in encodings if p.endswith((".html", ".js", ".css", ".json", ".xml", ".txt"))]
    assert "_pagefind/pagefind.js" in text and "sitemap.xml" in text
    assert [p for p in text if encodings[p] != "gzip"] == []
