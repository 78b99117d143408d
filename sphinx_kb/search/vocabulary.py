"""The words of the index, for correcting a reader's typos, and the site's synonyms, beside
Pagefind's index.

Pagefind has no typo tolerance (Pagefind#756): a query word that no page holds finds nothing.
kb-search.js corrects such a word to the nearest word the pages do hold. For that it needs the
vocabulary, which Pagefind's index keeps in a form the browser cannot search by similarity, so
the build writes it itself from the fragments Pagefind wrote (the text of every indexed page):

    kb-words/<language>/<key>.json   {"w": {"phishing": 12, ...}}   word -> pages that hold it

split by the word's first character (`key`: the letter or digit, or `x` and the hexadecimal code
of another character), so that a correction downloads one small file, and only when a word is
not found. A fragment's words are kept between builds (its name is a hash of its content): a
rebuild reads only the fragments Pagefind wrote anew.

`kb-search.json`, which kb-search.js reads with a reader's first query, holds the groups of
`synonyms.yml` (content/synonyms.py) and which word files exist (a missing one is never asked for).
"""

from __future__ import annotations

import json
import os
import pickle
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx_kb.content.synonyms import normalize
from sphinx_kb.version import code_digest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

WORDS_DIR = "kb-words"
SEARCH_FILE = "kb-search.json"
# Bump when what fragment_words keeps changes: every fragment is read again.
VERSION = 1
# Shorter words are never corrected (kb-search.js: 4 letters and more) and longer ones are not words.
MIN_LENGTH = 3
MAX_LENGTH = 40
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")

# A fragment's name (without suffix) -> the distinct words of its page, space-separated (one
# string a page, not one a word: 10,000 pages hold millions of words).
Words = dict[str, str]


def fragment_words(fragment: dict[str, Any]) -> str:
    """The distinct words of a page as Pagefind holds it (title and text), lowercased.
    `wi-fi` gives `wi`, `fi` and `wifi`: Pagefind finds a hyphenated word by its parts and joined."""
    meta = fragment.get("meta") or {}
    text = f"{meta.get('title') or ''} {fragment.get('content') or ''}".casefold()
    words: set[str] = set()
    for token in _WORD.findall(text):
        if "-" in token:
            words.update(token.split("-"))
            token = token.replace("-", "")
        words.add(token)
    return " ".join(sorted(w for w in words if MIN_LENGTH <= len(w) <= MAX_LENGTH and not w.isdigit()))


def language_of(fid: str) -> str:
    """Pagefind names fragments `<language>_<hash>`."""
    return fid.partition("_")[0] or "unknown"


def key_of(word: str) -> str:
    """The file a word is in (kb-search.js computes the same)."""
    first = word[0]
    return first if first.isascii() and first.isalnum() else f"x{ord(first):x}"


def load_cache(path: Path) -> Words:
    try:
        with path.open("rb") as handle:
            version, words = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return {}
    return words if version == (VERSION, code_digest()) and isinstance(words, dict) else {}


def save_cache(path: Path, words: Words) -> None:
    partial = path.with_suffix(".tmp")
    with partial.open("wb") as handle:
        pickle.dump(((VERSION, code_digest()), words), handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def complete(index: Path, fragments: Iterable[str], words: Words, read: Callable[[Path], Any]) -> Words:
    """The words of each fragment of the index folder: `words` holds those already known (read
    while ordering the posts, or by an earlier build); the others are read with `read`."""
    folder = index / "fragment"
    return {
        fid: words[fid] if fid in words else fragment_words(read(folder / f"{fid}.pf_fragment"))
        for fid in fragments
    }


def write_vocabulary(index: Path, words: Words) -> None:
    """kb-words/<language>/<key>.json for every language of the index (the folder is there even
    when no page was indexed: it tells the next build this index has its words)."""
    (index / WORDS_DIR).mkdir(exist_ok=True)
    counts: dict[str, Counter[str]] = {}
    for fid, page_words in words.items():
        counts.setdefault(language_of(fid), Counter()).update(page_words.split())
    for language, counter in counts.items():
        files: dict[str, dict[str, int]] = {}
        for word in sorted(counter):
            files.setdefault(key_of(word), {})[word] = counter[word]
        folder = index / WORDS_DIR / language
        folder.mkdir(parents=True, exist_ok=True)
        for key, entries in files.items():
            text = json.dumps({"w": entries}, ensure_ascii=False, separators=(",", ":"))
            (folder / f"{key}.json").write_text(text, encoding="utf-8")


def search_json(groups: list[list[str]], index: Path) -> str:
    """kb-search.json: each synonym group's terms, normalized (`Wi-Fi` -> `wi fi`), and the keys
    of the word files of each language in the index folder."""
    words: dict[str, list[str]] = {}
    folder = index / WORDS_DIR
    if folder.is_dir():
        for language in sorted(os.listdir(folder)):
            keys = sorted(
                name[: -len(".json")] for name in os.listdir(folder / language) if name.endswith(".json")
            )
            words[language] = keys
    data = {"synonyms": [[normalize(term) for term in terms] for terms in groups], "words": words}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
