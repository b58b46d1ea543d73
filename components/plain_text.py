"""User-given text (file names, run names) made safe to show inside Markdown."""

from __future__ import annotations

import re

__all__ = ["plain"]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^])")


def plain(text: str) -> str:
    """`text` shown literally in Markdown: a run named '**x**' is not bold, and
    ':red[x]' or '[x](y)' are not directives or links."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))
