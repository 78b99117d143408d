"""Writing text from front matter into generated Markdown without it being read as markup."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape(text: str) -> str:
    """Backslash-escape every ASCII punctuation character (CommonMark allows it for all of them),
    so that `<script>`, `*`, `[`, `{{` ... stay literal text; newlines become spaces."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))
