"""What one signed-in person may keep on the server: saved runs, storage and cameras,
each limited by the operator's settings (unset: no limit). Without sign-in there is
one user, and no limit."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UserLimits", "limit_reached"]


@dataclass(frozen=True)
class UserLimits:
    """The most one person may have; None: no limit."""

    runs: int | None = None
    storage_mb: float | None = None
    cameras: int | None = None


def limit_reached(limits: UserLimits, *, runs: int, storage_bytes: int,
                  cameras: int = 0, adding: str = "run") -> str | None:
    """Why one more `adding` ("run" or "camera") is refused, in words for the user,
    or None when it fits."""
    if adding == "camera" and limits.cameras is not None and cameras >= limits.cameras:
        return (f"You have {cameras} cameras, the most this server allows per person "
                f"({limits.cameras}). Remove one to add another.")
    if adding == "run" and limits.runs is not None and runs >= limits.runs:
        return (f"You have {runs} saved runs, the most this server allows per person "
                f"({limits.runs}). Delete some in Saved runs to analyse more.")
    if adding == "run" and limits.storage_mb is not None and (
            storage_bytes >= limits.storage_mb * 1e6):
        return (f"Your saved runs take {storage_bytes / 1e6:.0f} MB, the most this server "
                f"allows per person ({limits.storage_mb:g} MB). Delete some in Saved runs "
                "to make room.")
    return None
