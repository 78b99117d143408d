"""Scheduled articles: a published article whose `date` is still to come goes live on that date.

Until then it is built like a draft (left out of every page, listing, feed, sitemap and index;
shown with a banner in preview). "Now" is the build's clock, or `KB_NOW` from the environment
(an ISO date and time: `KB_NOW=2027-01-15T08:00Z make serve` shows the site as it will be then;
the tests inject the clock the same way). A `date` without a time goes live at midnight and a
time without an offset is read in the site's time zone, `kb_timezone` (docs/scheduling.md).
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sphinx_kb.content.post import Date, Post
from sphinx_kb.content.problems import located

if TYPE_CHECKING:
    from pathlib import Path

    from sphinx_kb.content.catalog import Catalog

NOW_ENV = "KB_NOW"
UTC = dt.UTC


def time_zone(name: str) -> dt.tzinfo | None:
    """The time zone called `name` in the IANA database (`Europe/Berlin`, `UTC`), or None."""
    if not name or name.strip().upper() == "UTC":
        return UTC
    try:
        return zoneinfo.ZoneInfo(name.strip())
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def parse_now(text: str) -> dt.datetime | None:
    """`KB_NOW`'s value as an aware datetime (no offset: UTC), or None when it is no date."""
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            value = dt.datetime.combine(dt.date.fromisoformat(text.strip()), dt.time())
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def clock() -> tuple[dt.datetime, str]:
    """The build's "now", and a problem with `KB_NOW` ("" when none)."""
    text = os.environ.get(NOW_ENV, "").strip()
    if not text:
        return dt.datetime.now(UTC), ""
    value = parse_now(text)
    if value is None:
        return dt.datetime.now(UTC), f"{NOW_ENV}={text} is not a date and time such as 2027-01-15T08:00Z"
    return value, ""


def goes_live(date: Date, zone: dt.tzinfo) -> dt.datetime:
    """When an article dated `date` is published: midnight of a day, a time in the site's zone."""
    if not isinstance(date, dt.datetime):
        date = dt.datetime.combine(date, dt.time())
    return date if date.tzinfo else date.replace(tzinfo=zone)


def schedule(post: Post, now: dt.datetime, zone: dt.tzinfo) -> Post:
    """The post with its times in the site's zone (a `date` or `updated` with a time and no
    offset is a time there: feeds, structured data and the sitemap then say which), and marked
    scheduled when it is published and dated after `now`."""
    changes: dict[str, object] = {}
    for name in ("date", "updated"):
        value = getattr(post, name)
        if isinstance(value, dt.datetime) and value.tzinfo is None:
            changes[name] = value.replace(tzinfo=zone)
    if post.status == "published" and post.date is not None:
        when = goes_live(post.date, zone)
        if when > now:
            changes["scheduled"] = when
    return replace(post, **changes) if changes else post  # type: ignore[arg-type]


@dataclass(frozen=True)
class Scheduled:
    """`kb check`'s information about an article that goes live later."""

    path: Path
    line: int | None
    goes_live: dt.datetime
    now: dt.datetime

    def format(self, relative_to: Path | None = None) -> str:
        where = located(self.path, self.line, relative_to)
        when = f"{self.goes_live:%Y-%m-%d %H:%M} {self.goes_live.tzname() or ''}".rstrip()
        utc = self.goes_live.astimezone(UTC)
        # Days as the site's calendar counts them (the zone the date is in).
        days = (self.goes_live.date() - self.now.astimezone(self.goes_live.tzinfo).date()).days
        soon = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        return f"{where}: info: scheduled for {when} ({utc:%Y-%m-%d %H:%M} UTC, {soon}) [kb.scheduled]"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "line": self.line,
            "severity": "info",
            "subtype": "scheduled",
            "goes_live": self.goes_live.isoformat(),
        }


def scheduled_articles(catalog: Catalog, now: dt.datetime) -> list[Scheduled]:
    """Every scheduled article and translation, the soonest first."""
    found = [
        Scheduled(p.path, p.lines.get("date"), p.scheduled, now)
        for p in catalog.every_post
        if p.scheduled is not None
    ]
    return sorted(found, key=lambda s: (s.goes_live, str(s.path)))
