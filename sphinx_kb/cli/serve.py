"""Serve a built site on localhost, as a static host would (Pagefind's search needs HTTP)."""

from __future__ import annotations

import datetime
import email.utils
import functools
import gzip
import http.server
import io
import os
from pathlib import Path
from typing import Any, BinaryIO, ClassVar
from urllib.parse import urlsplit

# Types some Pythons' mimetypes tables lack; browsers compile WebAssembly only when it is
# served as application/wasm.
EXTRA_TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
}

# Static hosts (GitHub Pages, Netlify, Cloudflare, Read the Docs, nginx and Caddy setups)
# gzip or brotli text types on the wire, so a reader downloads far fewer bytes than the files
# hold; serving the same way makes `kb serve --built` and the benchmark's first-query figure
# show what readers get. Pagefind's index files and WebAssembly are gzip inside already and
# have no type here (application/octet-stream): they, images and fonts go out as they are.
COMPRESSIBLE = {"application/javascript", "application/json", "application/xml", "image/svg+xml"}
# zlib's default level: close to what hosts use on the fly.
GZIP_LEVEL = 6


def compressible(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith("text/") or kind in COMPRESSIBLE or kind.endswith(("+json", "+xml"))


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (`gzip;q=0` refuses it)."""
    weights: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        weights[name.lower()] = weight
    return weights.get("gzip", weights.get("*", 0.0)) > 0


@functools.lru_cache(maxsize=256)
def gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The gzip body of a file; the cache key (path, mtime, size) changes when the file does."""
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=GZIP_LEVEL, mtime=0)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **EXTRA_TYPES,
    }

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.quiet:  # type: ignore[attr-defined]
            return
        super().log_message(format, *args)

    def wants_gzip(self) -> bool:
        return accepts_gzip(self.headers.get("Accept-Encoding", ""))

    def file_to_send(self) -> str | None:
        """The file a GET would send, as the standard handler resolves it; None for redirects,
        directory listings and missing files, which the standard handler answers."""
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not urlsplit(self.path).path.endswith("/"):
                return None
            path = os.path.join(path, "index.html")
        return path if os.path.isfile(path) else None

    def not_modified(self, mtime: float) -> bool:
        since = self.headers.get("If-Modified-Since")
        if not since or "If-None-Match" in self.headers:
            return False
        try:
            when = email.utils.parsedate_to_datetime(since)
        except (TypeError, IndexError, OverflowError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        return int(mtime) <= when.timestamp()

    def send_head(self) -> BinaryIO | None:  # type: ignore[override]
        path = self.file_to_send()
        content_type = self.guess_type(path) if path else ""
        if not path or not compressible(content_type):
            return super().send_head()
        try:
            stat = os.stat(path)
            body: BinaryIO = (
                io.BytesIO(gzipped(path, stat.st_mtime_ns, stat.st_size))
                if self.wants_gzip()
                else open(path, "rb")  # noqa: SIM115 (closed by the caller, as in the base class)
            )
        except OSError:
            return super().send_head()  # gone meanwhile: the standard 404
        if self.not_modified(stat.st_mtime):
            body.close()
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        length = body.getbuffer().nbytes if isinstance(body, io.BytesIO) else stat.st_size
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Last-Modified", self.date_time_string(stat.st_mtime))
        if isinstance(body, io.BytesIO):
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return body

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # A missing page shows the site's own 404 page when it has one, as hosts do.
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            stat = page.stat()
            encoded = self.wants_gzip()
            body = gzipped(str(page), stat.st_mtime_ns, stat.st_size) if encoded else page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            if encoded:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


def make_server(directory: Path, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False) -> Any:
    """A threading HTTP server for `directory` (port 0 picks a free port: see server_address)."""
    handler = functools.partial(SiteHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    server.quiet = quiet  # type: ignore[attr-defined]
    return server
