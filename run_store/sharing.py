"""Share links: a token that opens one run's or one camera's dashboard, read-only,
until it is revoked or expires.

A token is 256 random bits (`secrets.token_urlsafe(32)`), shown once to the owner and
stored only as its SHA-256: a copy of the database opens no dashboard. A token offered
in a link is checked against every live link of that one run (or camera) with a constant-time
comparison (`hmac.compare_digest`), so timing tells nothing about a token's hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

__all__ = ["MAX_LABEL_LENGTH", "ShareLink", "check_label", "is_token", "matches",
           "new_token", "token_hash"]

MAX_LABEL_LENGTH = 200
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


@dataclass(frozen=True)
class ShareLink:
    """One share link of a run or of a camera (never its token): exactly one of
    `run_id` and `camera_id` is set. `visitors` are the signed-in people who opened it,
    in the order they first did."""

    id: str
    run_id: str | None
    label: str
    created: datetime  # aware, UTC
    expires: datetime | None
    revoked: datetime | None
    visitors: tuple[str, ...] = ()
    camera_id: str | None = None

    def live(self, now: datetime) -> bool:
        """Whether the link still opens the dashboard at `now`."""
        return self.revoked is None and (self.expires is None or now < self.expires)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def is_token(value: object) -> bool:
    """Whether `value` (a `?token=` query parameter) is shaped like a token."""
    return isinstance(value, str) and _TOKEN_PATTERN.fullmatch(value) is not None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def matches(token: str, stored_hash: str) -> bool:
    """Whether `token` is the one whose hash is `stored_hash`, in constant time."""
    return hmac.compare_digest(token_hash(token), stored_hash)


def check_label(label: object) -> str:
    """The label, stripped; TypeError or ValueError for one that cannot be stored."""
    if not isinstance(label, str):
        raise TypeError(f"a link's label is text, got {type(label).__name__}")
    label = label.strip()
    if len(label) > MAX_LABEL_LENGTH or "\x00" in label:
        raise ValueError(f"a link's label has at most {MAX_LABEL_LENGTH} characters")
    return label
