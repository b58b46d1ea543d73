"""Who may see and change what: the viewer from the provider's claims, the one rule
for runs and cameras, and the limits per person."""

from __future__ import annotations

import pytest

from dashboard.access.limits import UserLimits, limit_reached
from dashboard.access.rules import audience, can_manage, can_view, owned_by
from dashboard.access.viewer import Viewer

ADMINS = frozenset({"root@example.org"})
ALICE = Viewer.from_claims({"is_logged_in": True, "email": "Alice@Example.org",
                            "name": "Alice", "sub": "a1"}, ADMINS)
BOB = Viewer.from_claims({"is_logged_in": True, "email": "bob@example.org"}, ADMINS)
ROOT = Viewer.from_claims({"is_logged_in": True, "email": "root@example.org"}, ADMINS)
STRANGER = Viewer.from_claims({"is_logged_in": False}, ADMINS)
ALONE = Viewer.everyone()


def test_the_viewer_is_named_by_email_in_lower_case_else_by_subject() -> None:
    assert (ALICE.id, ALICE.name, ALICE.admin, ALICE.signed_in) == (
        "alice@example.org", "Alice", False, True)
    assert ROOT.admin and not BOB.admin
    assert Viewer.from_claims({"is_logged_in": True, "sub": "42"}, ADMINS).id == "sub:42"
    assert not Viewer.from_claims({"is_logged_in": True}, ADMINS).signed_in
    assert not STRANGER.signed_in and STRANGER.sign_in
    assert not ALONE.sign_in and not ALONE.signed_in


@pytest.mark.parametrize(("viewer", "owner", "manage"), [
    (ALICE, "alice@example.org", True),
    (BOB, "alice@example.org", False),
    (ROOT, "alice@example.org", True),   # an admin manages everyone's
    (STRANGER, "alice@example.org", False),
    (BOB, None, False),                  # made before sign-in: admins only
    (ROOT, None, True),
    (STRANGER, None, False),             # no owner is not no protection
    (ALONE, None, True),                 # no sign-in: the one user does everything
    (ALONE, "alice@example.org", True),
])
def test_only_the_owner_or_an_admin_manages(viewer: Viewer, owner: str | None,
                                            manage: bool) -> None:
    assert can_manage(viewer, owner) is manage
    assert can_view(viewer, owner) is manage
    assert can_view(viewer, owner, shared=True)  # a live link or a share shows it


def test_lists_show_own_and_shared_runs_to_people_everything_to_admins() -> None:
    assert audience(ALICE) == {"owner": "alice@example.org",
                               "shared_with": "alice@example.org"}
    assert audience(ROOT) == {} and audience(ALONE) == {}
    assert audience(STRANGER) is None
    assert (owned_by(ALICE), owned_by(ROOT), owned_by(ALONE), owned_by(STRANGER)) == (
        "alice@example.org", None, None, "")  # whose cameras each one's list shows


def test_limits_say_which_one_was_reached() -> None:
    limits = UserLimits(runs=3, storage_mb=10, cameras=1)
    assert limit_reached(limits, runs=2, storage_bytes=9_000_000) is None
    assert "3 saved runs" in (limit_reached(limits, runs=3, storage_bytes=0) or "")
    assert "(10 MB)" in (limit_reached(limits, runs=0, storage_bytes=10_000_000) or "")
    assert "(1)" in (limit_reached(limits, runs=9, storage_bytes=0, cameras=1,
                                   adding="camera") or "")
    assert limit_reached(limits, runs=9, storage_bytes=10**9, cameras=0,
                         adding="camera") is None  # runs and storage do not stop cameras
    assert limit_reached(UserLimits(), runs=10**6, storage_bytes=10**12, cameras=99) is None
