"""The dashboard's URL: filters and the page cursor, parsed, checked and written back.

The page is a plain GET form, so an untouched field arrives as an empty string: empty means
"no filter". Every bad field is reported at once (the page shows them all in HTML, not as
problem+json). `link` writes the same state back into a query string, so every link on the
page (next page, a pair's trend, the JSON it came from) keeps the filters.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from ..domain.record import HistoryFilter
from ..domain.vocabulary import Risk, Strategy
from ..errors import FieldError, InvalidInput

DEFAULT_DAYS = 30
MAX_DAYS = 366
NAME_FIELDS = ("source_name", "target_name", "extractor", "policy_version")
FIELDS = ("days", "since", "until", "source_name", "target_name", "strategy",
          "negative_transfer_risk", "extractor", "policy_version", "cursor")
# The same filters as GET /assessments; `days` is the dashboard's shorthand for `since`.
API_FIELDS = ("source_name", "target_name", "strategy", "negative_transfer_risk", "extractor",
              "policy_version")


@dataclass(frozen=True)
class DashboardQuery:
    """What the URL asked for. `values` holds the fields as typed, for the form and links."""

    days: int | None = DEFAULT_DAYS
    since: datetime | None = None
    until: datetime | None = None
    source_name: str | None = None
    target_name: str | None = None
    strategy: str | None = None
    negative_transfer_risk: str | None = None
    extractor: str | None = None
    policy_version: str | None = None
    cursor: str | None = None
    values: dict[str, str] = dataclasses.field(default_factory=dict)

    def history_filter(self, now: datetime) -> HistoryFilter:
        since = self.since
        if since is None and self.days is not None:
            since = now - timedelta(days=self.days)
        return HistoryFilter(since, self.until, self.source_name, self.target_name, self.strategy,
                             self.extractor, self.negative_transfer_risk, self.policy_version)

    @property
    def pair(self) -> tuple[str, str] | None:
        """The one source/target pair the filters name, if both names are set."""
        if self.source_name is None or self.target_name is None:
            return None
        return self.source_name, self.target_name

    @property
    def filtered(self) -> bool:
        """Whether any filter other than the default time window applies."""
        return any(self.values.get(f) for f in FIELDS if f not in ("days", "cursor"))

    def link(self, **changes: str | None) -> str:
        """The query string of this state with `changes` (None drops a field), `?` included."""
        merged = {**self.values, **changes}
        kept = [(f, v) for f in FIELDS if (v := merged.get(f))]
        return "?" + urlencode(kept) if kept else ""

    def api_link(self, now: datetime) -> str:
        """The same selection as a GET /assessments query string (the window made explicit)."""
        flt = self.history_filter(now)
        parts = [(f, v) for f in API_FIELDS if (v := self.values.get(f))]
        parts += [(f, t.isoformat()) for f, t in (("since", flt.since), ("until", flt.until))
                  if t is not None]
        return urlencode(parts)

    def describe_window(self) -> str:
        if self.since is None and self.until is None:
            return f"last {self.days} days"
        span = []
        if self.since is not None:
            span.append(f"since {_show(self.since)}")
        if self.until is not None:
            span.append(f"until {_show(self.until)}")
        if self.since is None:
            span.insert(0, f"last {self.days} days")
        return ", ".join(span)


def _show(t: datetime) -> str:
    return t.strftime("%Y-%m-%d") if t == t.replace(hour=0, minute=0, second=0, microsecond=0) \
        else t.strftime("%Y-%m-%d %H:%M UTC")


def parse(params: Mapping[str, str]) -> DashboardQuery:
    """The query the URL holds; InvalidInput naming every bad field (all of them at once)."""
    values = {f: params[f].strip() for f in FIELDS if params.get(f, "").strip()}
    errors: list[FieldError] = []
    out: dict[str, Any] = {"values": values}

    days = values.get("days")
    if days is not None:
        if not days.isdigit() or not 1 <= int(days) <= MAX_DAYS:
            errors.append(FieldError("days", f"must be a whole number of days from 1 to {MAX_DAYS}"))
        else:
            out["days"] = int(days)
    for name in ("since", "until"):
        if name in values:
            parsed = _instant(values[name])
            if parsed is None:
                errors.append(FieldError(name, "must be a date (2026-03-01) or an ISO 8601 time "
                                               "(2026-03-01T12:00:00Z)"))
            out[name] = parsed
    if out.get("since") is not None and out.get("until") is not None \
            and out["since"] >= out["until"]:
        errors.append(FieldError("until", "must be later than since"))
    if out.get("since") is not None:
        out["days"] = None  # an explicit start replaces the rolling window
    for name in NAME_FIELDS:
        if name in values:
            value = values[name]
            if len(value) > 200 or "\x00" in value:
                errors.append(FieldError(name, "must be at most 200 characters, without NUL"))
            else:
                out[name] = value
    for name, allowed in (("strategy", tuple(Strategy)), ("negative_transfer_risk", tuple(Risk))):
        if name in values:
            if values[name] not in allowed:
                errors.append(FieldError(name, f"must be one of {', '.join(allowed)}"))
            else:
                out[name] = values[name]
    if "cursor" in values:
        if len(values["cursor"]) > 200:
            errors.append(FieldError("cursor", "is not a cursor this page issued"))
        else:
            out["cursor"] = values["cursor"]
    if errors:
        raise InvalidInput("; ".join(f"{e.field}: {e.message}" for e in errors), errors=errors)
    return DashboardQuery(**out)


def _instant(text: str) -> datetime | None:
    """A date or an ISO 8601 time, in UTC (naive = UTC); None when it is neither."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
