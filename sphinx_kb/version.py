"""The version of sphinx-kb (one place: the package, the kb command and caches read it)."""

import hashlib
from functools import cache
from pathlib import Path

__version__ = "0.1.0"

# The files whose content makes a build: code, templates, styles, scripts and the words (.po).
_CODE_SUFFIXES = (".py", ".html", ".js", ".css", ".po")


@cache
def code_digest() -> str:
    """A digest of sphinx-kb's own files. Caches that depend on what the code does (Sphinx's
    environment, the parsed posts, the search's words) are keyed on it as well as on the version:
    a cache made by other code, an upgrade or a local edit alike, is never used."""
    root = Path(__file__).parent
    state = hashlib.blake2b(digest_size=16)
    for path in sorted(root.rglob("*")):
        if path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts and path.is_file():
            state.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return state.hexdigest()
