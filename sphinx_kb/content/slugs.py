"""Slugs: the URL-safe names of posts, categories and tags."""

from __future__ import annotations

import re
import unicodedata

# What a slug written by hand may be: lowercase ASCII words joined by single hyphens.
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """`Backup & Recovery` -> `backup-recovery`; accents are folded to ASCII."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG_RE.sub("-", ascii_text.lower()).strip("-")
