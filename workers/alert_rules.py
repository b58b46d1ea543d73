"""Alert rules of a camera, and when they fire: pure (rules and a time series in, fired
alerts out; no clock, no store, no network).

Three kinds of rule, each written and read back in the same words:

- `occupancy of <zone> above <N> for <M> minutes`
- `more than <N> IN at <region> in <M> minutes` (or OUT)
- `camera down for <M> minutes`

The series is what a camera's worker stores as it goes, in time order:
`Reading`s (one closed counting interval: its "*" rows per region, from `start` to
`end`) and `Down`s (a stretch with no counting: a gap, a stream that is reconnecting,
a worker that was not running; `ongoing` while it lasts, reported again as it grows).

Firing semantics (each rule on its own):
- A rule fires once when its condition becomes true, then stays quiet (disarmed) while
  the condition holds; it re-arms only when the condition is *measured* false again.
  An alert's `at` is the moment the condition was known to hold: the `end` of the
  reading that made it true, or for a down rule the start of the down time plus M.
- occupancy: a reading's value is the zone's time-weighted mean of objects inside over
  that interval. The condition holds at a reading's end when every reading since the
  run began has a mean above N and the run has lasted M minutes (from the first such
  reading's start, or from the end of the last down time if that is later, to this
  reading's end). A down time breaks the run (the held time starts again after it:
  nothing is assumed about time not counted) but does not re-arm the rule; a reading
  at or below N re-arms it. The value reported is the mean over the run's readings.
- count: at a reading's end the value is the region's IN (or OUT) summed over the
  readings that ended in the last M minutes, (end - M, end]; the interval is the
  resolution (a window shorter than one interval holds just the interval that closed).
  It holds when the value is above N. A down time inside the window only lowers the
  sum (nothing is invented), so the rule may still fire on what was counted; a
  reading at or below N re-arms it.
- down: the camera is down from the first `Down` after it last counted until a
  `Down` that is not `ongoing` ends it (or a reading arrives). It holds when the
  down time reaches M minutes; it fires at most once per down time and re-arms when
  the camera counts again. The value is the minutes down when it was noticed.
- No alert falls inside a gap: occupancy and count rules fire only at reading ends
  (counted moments); a down alert is about the gap itself.
"""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from run_store import Gap, IntervalCount

__all__ = ["ALERT_KINDS", "Alert", "AlertEvaluator", "AlertKind", "AlertRule", "Down",
           "Reading", "alert_id", "parse_rules", "series_from"]

AlertKind = Literal["occupancy", "count", "down"]
ALERT_KINDS: tuple[AlertKind, ...] = ("occupancy", "count", "down")
TOTAL = "*"
MAX_RULES = 20
_NUMBER = r"(\d+(?:\.\d+)?)"
_MINUTES = rf"{_NUMBER}\s*(?:minutes?|mins?)"
_PATTERNS: tuple[tuple[AlertKind, re.Pattern[str]], ...] = (
    ("occupancy", re.compile(rf"occupancy\s+of\s+(.+?)\s+above\s+(\d+)\s+for\s+{_MINUTES}",
                             re.IGNORECASE)),
    ("count", re.compile(rf"more\s+than\s+(\d+)\s+(in|out)\s+at\s+(.+?)\s+in\s+{_MINUTES}",
                         re.IGNORECASE)),
    ("down", re.compile(rf"(?:camera\s+)?down\s+for\s+{_MINUTES}", re.IGNORECASE)))
RULE_FORMS = ("occupancy of ZONE above N for M minutes",
              "more than N IN at REGION in M minutes (or OUT)",
              "camera down for M minutes")


@dataclass(frozen=True)
class AlertRule:
    """One rule. `threshold` is N (unused by down rules), `minutes` is M (how long it
    must hold, or the count's window), `region` names a camera region (None for down),
    `direction` is IN or OUT for count rules."""

    kind: AlertKind
    minutes: float
    threshold: int = 0
    region: str | None = None
    direction: Literal["IN", "OUT"] = "IN"

    def __post_init__(self) -> None:
        if self.kind not in ALERT_KINDS:
            raise ValueError(f"an alert rule's kind is one of {ALERT_KINDS}, not {self.kind!r}")
        if not isinstance(self.minutes, (int, float)) or not 0 < self.minutes <= 7 * 24 * 60:
            raise ValueError("an alert rule's minutes are more than 0 and at most a week "
                             "(10080)")
        if not isinstance(self.threshold, int) or self.threshold < 0:
            raise ValueError("an alert rule's N is a whole number, 0 or more")
        if self.direction not in ("IN", "OUT"):
            raise ValueError("a count rule counts IN or OUT")
        if self.kind == "down":
            object.__setattr__(self, "region", None)
        elif not isinstance(self.region, str) or not self.region.strip():
            raise ValueError(f"an {self.kind} rule needs a region name")
        else:
            object.__setattr__(self, "region", self.region.strip())

    @property
    def span(self) -> timedelta:
        return timedelta(minutes=self.minutes)

    def describe(self) -> str:
        """The rule in words (what `parse` reads back)."""
        m = f"{self.minutes:g} minute{'' if self.minutes == 1 else 's'}"
        if self.kind == "occupancy":
            return f"occupancy of {self.region} above {self.threshold} for {m}"
        if self.kind == "count":
            return f"more than {self.threshold} {self.direction} at {self.region} in {m}"
        return f"camera down for {m}"

    @classmethod
    def parse(cls, text: str) -> AlertRule:
        """A rule from its words (case and spacing are free); ValueError naming the
        forms when `text` is none of them."""
        words = " ".join(str(text).split())
        for kind, pattern in _PATTERNS:
            match = pattern.fullmatch(words)
            if match is None:
                continue
            if kind == "occupancy":
                region, n, minutes = match.groups()
                return cls("occupancy", float(minutes), int(n), region)
            if kind == "count":
                n, direction, region, minutes = match.groups()
                return cls("count", float(minutes), int(n), region,
                           "IN" if direction.upper() == "IN" else "OUT")
            return cls("down", float(match.group(1)))
        raise ValueError(f"{words[:60]!r} is not a rule; write one of: "
                         + "; ".join(RULE_FORMS))

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "minutes": self.minutes, "threshold": self.threshold,
                "region": self.region, "direction": self.direction}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AlertRule:
        return cls(data["kind"], data["minutes"], data.get("threshold", 0),
                   data.get("region"), data.get("direction", "IN"))


def parse_rules(text: str) -> tuple[AlertRule, ...]:
    """Rules from text, one a line (blank lines skipped); ValueError "line K: ..."."""
    rules = []
    for number, line in enumerate(str(text).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rules.append(AlertRule.parse(line))
        except ValueError as error:
            raise ValueError(f"alert line {number}: {error}") from None
    if len(rules) > MAX_RULES:
        raise ValueError(f"at most {MAX_RULES} alert rules a camera")
    return tuple(rules)


@dataclass(frozen=True)
class Reading:
    """One closed counting interval, [start, end], and its rows (the "*" rows count)."""

    start: datetime
    end: datetime
    rows: tuple[IntervalCount, ...] = ()

    def total(self, region: str | None) -> IntervalCount | None:
        return next((r for r in self.rows if r.region == region and r.class_name == TOTAL),
                    None)


@dataclass(frozen=True)
class Down:
    """No counting from `start` to `end`; `ongoing` while it is not over yet."""

    start: datetime
    end: datetime
    ongoing: bool = False


@dataclass(frozen=True)
class Alert:
    """A fired rule: when (`at`, aware UTC), the rule (and its words), what was measured."""

    at: datetime
    rule: AlertRule
    value: float

    @property
    def words(self) -> str:
        return self.rule.describe()

    def measured(self) -> str:
        """The measured value in words, e.g. "mean 6.2 inside", "14 IN", "7.5 minutes down"."""
        if self.rule.kind == "occupancy":
            return f"mean {self.value:.1f} inside"
        if self.rule.kind == "count":
            return f"{self.value:g} {self.rule.direction}"
        return f"{self.value:.1f} minutes down"


def alert_id(camera_id: str, alert: Alert) -> str:
    """The same alert of the same camera always has the same id (so it is stored once,
    whoever notices it: the worker, or the server watching a worker that is gone)."""
    key = f"{camera_id}|{alert.words}|{alert.at.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


@dataclass
class _RuleState:
    armed: bool = True
    run_start: datetime | None = None  # occupancy: when the current run above N began
    run: list[tuple[float, float]] = field(default_factory=list)  # (mean, seconds)


class AlertEvaluator:
    """The rules' state over one camera's series. `update(item)` feeds one Reading or
    Down (in time order) and returns the alerts it fired; `reset()` forgets all."""

    def __init__(self, rules: Sequence[AlertRule]) -> None:
        self.rules = tuple(rules)
        self._window = max((r.span for r in self.rules if r.kind == "count"),
                           default=timedelta(0))
        self.reset()

    def reset(self) -> None:
        self._states = [_RuleState() for _ in self.rules]
        self._recent: deque[Reading] = deque()
        self._down_since: datetime | None = None
        self._counting_since: datetime | None = None

    def update(self, item: Reading | Down) -> list[Alert]:
        """Feed the next item of the series (in time order: `end` never goes back)."""
        if isinstance(item, Down):
            return self._down(item)
        return self._reading(item)

    def feed(self, items: Iterable[Reading | Down]) -> list[Alert]:
        """Every alert of a whole series (for replaying stored data)."""
        return [alert for item in items for alert in self.update(item)]

    def _down(self, down: Down) -> list[Alert]:
        if self._down_since is None:
            self._down_since = down.start
        since = self._down_since
        fired = []
        for rule, state in zip(self.rules, self._states, strict=True):
            if rule.kind == "occupancy":
                state.run_start, state.run = None, []  # a break; not a re-arm
            elif rule.kind == "down" and state.armed and down.end - since >= rule.span:
                fired.append(Alert(since + rule.span, rule,
                                   round((down.end - since).total_seconds() / 60, 2)))
                state.armed = False
        if not down.ongoing:
            self._end_down(down.end)
        return fired

    def _end_down(self, at: datetime) -> None:
        self._down_since = None
        self._counting_since = at
        for rule, state in zip(self.rules, self._states, strict=True):
            if rule.kind == "down":
                state.armed = True

    def _reading(self, reading: Reading) -> list[Alert]:
        if self._down_since is not None:  # counting again without a closing Down
            self._end_down(reading.start)
        self._recent.append(reading)
        while self._recent and self._recent[0].end <= reading.end - self._window:
            self._recent.popleft()
        fired = []
        for rule, state in zip(self.rules, self._states, strict=True):
            if rule.kind == "occupancy":
                alert = self._occupancy(rule, state, reading)
            elif rule.kind == "count":
                alert = self._count(rule, state, reading)
            else:
                continue
            if alert is not None:
                fired.append(alert)
        return fired

    def _occupancy(self, rule: AlertRule, state: _RuleState,
                   reading: Reading) -> Alert | None:
        row = reading.total(rule.region)
        mean = row.mean_inside if row is not None else 0.0
        if mean <= rule.threshold:
            state.armed, state.run_start, state.run = True, None, []
            return None
        if state.run_start is None:
            since = self._counting_since
            state.run_start = max(reading.start, since) if since else reading.start
        state.run.append((mean, max((reading.end - reading.start).total_seconds(), 0.0)))
        if not state.armed or reading.end - state.run_start < rule.span:
            return None
        state.armed = False
        seconds = sum(s for _, s in state.run)
        value = (sum(m * s for m, s in state.run) / seconds if seconds > 0
                 else min(m for m, _ in state.run))
        return Alert(reading.end, rule, round(value, 2))

    def _count(self, rule: AlertRule, state: _RuleState, reading: Reading) -> Alert | None:
        total = 0
        for past in self._recent:
            if past.end > reading.end - rule.span:
                row = past.total(rule.region)
                if row is not None:
                    total += row.in_count if rule.direction == "IN" else row.out_count
        if total <= rule.threshold:
            state.armed = True
            return None
        if not state.armed:
            return None
        state.armed = False
        return Alert(reading.end, rule, float(total))


def series_from(intervals: Iterable[IntervalCount], gaps: Iterable[Gap],
                interval_s: float) -> list[Reading | Down]:
    """A stored camera's series: its intervals (grouped by start; an interval ends
    `interval_s` later, or where a gap begins inside it) and its gaps, in time order."""
    gap_list = sorted(gaps, key=lambda g: g.start)
    by_start: dict[datetime, list[IntervalCount]] = {}
    for row in intervals:
        by_start.setdefault(row.start, []).append(row)
    items: list[Reading | Down] = []
    for start, rows in by_start.items():
        end = start + timedelta(seconds=interval_s)
        for gap in gap_list:
            if start <= gap.start < end:
                end = gap.start
        items.append(Reading(start, end, tuple(rows)))
    items += [Down(g.start, g.end) for g in gap_list]
    # A gap that begins where a reading ends comes after it.
    return sorted(items, key=lambda i: (i.end, isinstance(i, Down)))
