"""The viewer: who is looking at a page, as a plain value the rules decide on.

Without sign-in configured (one person on their own machine) there is one viewer,
`Viewer.everyone()`, who may do everything. With sign-in, a viewer is signed in (an
`id`: their email address in lower case, else the provider's subject) or not (no id).
Admins are named by email in the settings.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Viewer"]


@dataclass(frozen=True)
class Viewer:
    """Who is looking. `id` is what the run store records as a run's owner."""

    id: str | None
    name: str = ""
    admin: bool = False
    sign_in: bool = True  # whether this server has sign-in at all

    @classmethod
    def everyone(cls) -> Viewer:
        """The one viewer of a server without sign-in."""
        return cls(id=None, name="", admin=False, sign_in=False)

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], admins: Collection[str]) -> Viewer:
        """The viewer the identity provider's claims (`st.user`) describe: signed in
        when they say so and name someone (by email, else by subject)."""
        if not claims.get("is_logged_in"):
            return cls(id=None)
        email = str(claims.get("email") or "").strip().lower()
        subject = str(claims.get("sub") or "").strip()
        person = email or (f"sub:{subject}" if subject else "")
        if not person:
            return cls(id=None)
        name = str(claims.get("name") or email or subject)
        return cls(id=person, name=name, admin=bool(email) and email in admins)

    @property
    def signed_in(self) -> bool:
        return self.id is not None
