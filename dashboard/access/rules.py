"""Who may see and who may change what: one rule for runs and cameras alike.

Everything has an owner (the viewer id that made it; None for what was made without
sign-in). Without sign-in every viewer is the one user and may do everything. With
sign-in, the owner and the admins may see and manage a thing; a signed-in viewer it
was shared with, or anyone holding a live share link, may see it and nothing more.
What was made before sign-in was turned on belongs to nobody, so only admins reach it.
"""

from __future__ import annotations

from typing import TypedDict

from dashboard.access.viewer import Viewer

__all__ = ["Audience", "audience", "can_manage", "can_view", "owned_by"]



class Audience(TypedDict, total=False):
    """Keyword arguments for `RunStore.list`, `CameraStore.list` and `Cameras.states`:
    what one viewer may see."""

    owner: str
    shared_with: str


def can_manage(viewer: Viewer, owner: str | None) -> bool:
    """Whether `viewer` may rename, delete, stop or change a thing owned by `owner`."""
    if not viewer.sign_in:
        return True
    return viewer.admin or (viewer.id is not None and viewer.id == owner)


def can_view(viewer: Viewer, owner: str | None, *, shared: bool = False) -> bool:
    """Whether `viewer` may see a thing owned by `owner`; `shared`: it was shared with
    them, or they hold a live link to it."""
    return shared or can_manage(viewer, owner)


def owned_by(viewer: Viewer) -> str | None:
    """Whose things (cameras) `viewer`'s lists show: None for everyone's (no sign-in,
    or an admin), else their own ('' for nobody, when not signed in)."""
    if not viewer.sign_in or viewer.admin:
        return None
    return viewer.id or ""


def audience(viewer: Viewer) -> Audience | None:
    """What of the store's list `viewer` may see: `{}` everything, else the filter
    (their own and what was shared with them); None: nothing (not signed in)."""
    if not viewer.sign_in or viewer.admin:
        return {}
    if viewer.id is None:
        return None
    return {"owner": viewer.id, "shared_with": viewer.id}
