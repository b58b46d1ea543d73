"""Words the pages share: user-given text made safe to show inside Markdown, and the
few phrasings of times and outcomes every page words the same way."""

from __future__ import annotations

import re

__all__ = ["CARD_HELP", "SETTINGS_PLACE", "clock_text", "plain", "stop_reason_text"]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^])")


def plain(text: str) -> str:
    """`text` shown literally in Markdown: a run named '**x**' is not bold, and
    ':red[x]' or '[x](y)' are not directives or links."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


CARD_HELP = {  # the one wording of each count, wherever it is shown
    "In": "Line: crossings in the IN direction (the arrow). Zone: objects that entered it.",
    "Out": "Line: crossings against the IN direction. Zone: objects that left it.",
    "Inside now": "Objects inside the zone at the newest analysed frame (0 for a line).",
    "Tracks": "Distinct objects tracked since the start.",
}

# Where the settings are, said so that it also helps on a phone, where the sidebar is
# folded away behind the arrow at the top left.
SETTINGS_PLACE = "the Settings panel (on a phone, open it with the arrow at the top left)"


def clock_text(seconds: float) -> str:
    """A duration as a clock: '0:05', '12:30', '1:02:03'."""
    minutes, secs = divmod(max(0, int(seconds)), 60)
    if minutes >= 60:
        return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def stop_reason_text(stop_reason: str) -> str:
    """How a partial run ended, after 'the analysis …'."""
    return "was stopped" if stop_reason == "stopped" else f"ended early ({stop_reason})"
