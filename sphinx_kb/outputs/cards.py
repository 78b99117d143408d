"""Social cards: a 1200×630 PNG with the post's title, category and site name, for posts that
have no image of their own.

sphinxext-opengraph's cards use matplotlib (~59 ms a page); these are drawn with Pillow in a few
milliseconds, named after a hash of what is on them, and reused as long as that file exists.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import PIL
from PIL import Image, ImageColor, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
# Bump when the drawing changes, so every card is drawn again.
VERSION = 3
# Dark backgrounds that carry white text; a category always gets the same one.
PALETTE = ("#1f3a93", "#7a1f5c", "#1b6b4a", "#0f5f7a", "#8a4b08", "#4a2c82", "#6b2a2a", "#2d4a5a")
FOLDER = "_kb/cards"


def card_name(slug: str, site: str, category: str, title: str) -> str:
    """`_kb/cards/<slug>-<hash>.png`: a new name whenever the card would look different, so
    social networks that cache images by URL show the new one."""
    data = json.dumps([VERSION, PIL.__version__, site, category, title])
    return f"{FOLDER}/{slug}-{hashlib.sha256(data.encode()).hexdigest()[:12]}.png"


FONT = Path(__file__).parent.parent / "fonts" / "DejaVuSans-Bold.ttf"


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    # Shipped with the package: the same cards on every machine, and (unlike Pillow's built-in
    # font) accented letters, dashes and most scripts of Latin, Greek and Cyrillic.
    return ImageFont.truetype(str(FONT), size=size)


def wrap_to_width(text: str, face: ImageFont.FreeTypeFont, room: float) -> list[str]:
    """Greedy line breaking by measured width; a word wider than a line is split."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= room:
            current = candidate
            continue
        if current:
            lines.append(current)
        while face.getlength(word) > room:
            cut = len(word)
            while cut > 1 and face.getlength(word[:cut]) > room:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def wrap_title(title: str) -> tuple[list[str], int]:
    """The title in at most four lines, at the largest size where it fits; a title too long
    even at the smallest size is cut with an ellipsis. Every line fits between the margins."""
    room = WIDTH - 2 * MARGIN
    for size in (64, 56, 48, 42):
        lines = wrap_to_width(title, font(size), room)
        if len(lines) <= 4:
            return lines, size
    face = font(42)
    last = lines[3]
    while last and face.getlength(last + " …") > room:
        last = last[:-1]
    return [*lines[:3], last.rstrip() + " …"], 42


def draw_card(destination: Path, site: str, category: str, title: str) -> None:
    """Draw white-on-colour text as a grey mask, then turn the mask into a palette image whose
    256 entries run from the category colour to white: ~5 ms a card, antialiasing kept."""
    mask = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(mask)
    draw.rectangle((0, 0, 16, HEIGHT), fill=255)
    draw.text((MARGIN, MARGIN), category.upper(), font=font(34), fill=215)
    lines, size = wrap_title(title)
    y = MARGIN + 80
    for line in lines:
        draw.text((MARGIN, y), line, font=font(size), fill=255)
        y += int(size * 1.25)
    draw.line((MARGIN, HEIGHT - MARGIN - 50, WIDTH - MARGIN, HEIGHT - MARGIN - 50), fill=255, width=2)
    draw.text((MARGIN, HEIGHT - MARGIN - 30), site, font=font(32), fill=255)

    image = Image.frombytes("P", mask.size, mask.tobytes())
    image.putpalette(gradient(PALETTE[int(hashlib.sha256(category.encode()).hexdigest(), 16) % len(PALETTE)]))
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_suffix(".tmp")
    image.save(partial, "PNG", compress_level=1)
    partial.replace(destination)


@cache
def gradient(colour: str) -> list[int]:
    red, green, blue = ImageColor.getrgb(colour)[:3]
    return [round(base + (255 - base) * level / 255) for level in range(256) for base in (red, green, blue)]


def draw_missing(outdir: Path, site: str, cards: Sequence[tuple[str, str, str]]) -> list[bool]:
    """Draw each (name, category, title) card that is not there yet; whether each one is there now.
    A card that cannot be drawn is left to the page that shows it, which warns."""
    drawn = []
    for name, category, title in cards:
        try:
            ensure_card(outdir, name, site, category, title)
            drawn.append(True)
        except Exception:  # Pillow and fonts: the page's own attempt reports it
            drawn.append(False)
    return drawn


def ensure_card(outdir: Path, name: str, site: str, category: str, title: str) -> None:
    """Draw the card unless a previous build already did."""
    destination = outdir / name
    if not destination.is_file():
        draw_card(destination, site, category, title)


def remove_stale_cards(outdir: Path, wanted: set[str]) -> None:
    folder = outdir / FOLDER
    if folder.is_dir():
        for path in folder.iterdir():
            if f"{FOLDER}/{path.name}" not in wanted:
                path.unlink()
