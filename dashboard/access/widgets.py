"""Accounts on the page: who is looking, signing in and out, the sidebar's word on who
can see what, the gate in front of pages that need a signed-in person, the check of a
share link, and the owner's panel of share links.

Share links work the same for a run and for a camera: the check (`may_view`) and the
panel (`share_panel`) take any store with the share-link methods (`LinkStore`:
`RunStore` and `CameraStore` both are one) and anything with an id and an owner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Protocol

import streamlit as st

from dashboard import runtime
from dashboard.access.limits import limit_reached
from dashboard.access.rules import Audience, audience, can_manage, can_view
from dashboard.access.viewer import Viewer
from dashboard.common.text import plain
from dashboard.common.widgets import copy_link, current_link
from dashboard.runs.words import created_text, viewer_zone
from run_store import RunStore, ShareLink

__all__ = ["LINK_GONE", "LinkGone", "LinkStore", "Owned", "account_sidebar",
           "camera_limit_note", "checked_download", "current_viewer", "limit_note",
           "may_manage", "may_view", "share_panel", "sign_in_gate", "visible_runs"]

KEY = "access"
LINK_GONE = "This link no longer works."
EXPIRY_CHOICES = {"Never": None, "1 day": timedelta(days=1), "7 days": timedelta(days=7),
                  "30 days": timedelta(days=30)}
NO_SIGN_IN_NOTICE = (
    "**No sign-in on this server:** everyone who can reach it sees and changes every "
    "saved run. To give each person their own runs, turn sign-in on: add an `[auth]` "
    "section to `.streamlit/secrets.toml` (README, *Sign-in*).")


class Owned(Protocol):
    """A run or a camera, as the access check sees it."""

    @property
    def id(self) -> str: ...

    @property
    def owner(self) -> str | None: ...


class LinkStore(Protocol):
    """The share-link methods `RunStore` and `CameraStore` both have (the first
    argument is the run's or the camera's id)."""

    def share(self, thing_id: str, /, *, label: str = "", expires: datetime | None = None
              ) -> tuple[ShareLink, str]: ...

    def share_links(self, thing_id: str, /) -> list[ShareLink]: ...

    def revoke_link(self, thing_id: str, link_id: str, /) -> None: ...

    def open_link(self, thing_id: str, token: str, visitor: str | None = None, /
                  ) -> ShareLink | None: ...

    def shared_with(self, thing_id: str, visitor: str, /) -> bool: ...


def current_viewer() -> Viewer:
    """Who is looking at this page."""
    config = runtime.settings()
    if not config.sign_in:
        return Viewer.everyone()
    return Viewer.from_claims(st.user.to_dict(), config.admins)


def account_sidebar() -> None:
    """The sidebar's account box: sign in or out; without sign-in, the plain word that
    everyone who can reach the server sees and changes everything."""
    viewer = current_viewer()
    with st.sidebar:
        if not viewer.sign_in:
            st.markdown(f":material/lock_open: {NO_SIGN_IN_NOTICE}")
        elif viewer.signed_in:
            role = " (admin)" if viewer.admin else ""
            st.caption(f"Signed in as **{plain(viewer.name)}**{role}")
            st.button("Sign out", key=f"{KEY}_sign_out", icon=":material/logout:",
                      on_click=st.logout)
        else:
            st.button("Sign in", key=f"{KEY}_sign_in_sidebar", icon=":material/login:",
                      on_click=st.login, type="primary")


def sign_in_gate(what: str) -> Viewer:
    """The viewer, when they may use a page that makes or lists runs; else a sign-in
    box, and the page stops here. `what` completes 'Sign in to …'."""
    viewer = current_viewer()
    if viewer.sign_in and not viewer.signed_in:
        st.info(f"Sign in to {what}. Each person sees only their own runs and the ones "
                "shared with them.", icon=":material/lock:")
        st.button("Sign in", key=f"{KEY}_sign_in", icon=":material/login:",
                  on_click=st.login, type="primary")
        st.stop()
    return viewer


def visible_runs(store: RunStore, viewer: Viewer) -> Audience:
    """The `RunStore.list` filter for what `viewer` may see (nothing: no signed-in
    person reaches a list, see `sign_in_gate`)."""
    allowed = audience(viewer)
    return allowed if allowed is not None else {"owner": "", "shared_with": ""}  # no one


def may_view(store: LinkStore, record: Owned, viewer: Viewer, token: str | None
             ) -> bool | None:
    """Whether `viewer` may see the run or camera: True, False, or None when they came
    with a share link that no longer works (revoked, expired or never valid). Needs no
    page: a download made later asks again with the same arguments."""
    if can_manage(viewer, record.owner):
        return True
    if token:
        return True if store.open_link(record.id, token, viewer.id) else None
    return viewer.id is not None and can_view(
        viewer, record.owner, shared=store.shared_with(record.id, viewer.id))


class LinkGone(PermissionError):
    """A download asked for after the access that drew its page ended (a revoked or
    expired share link); the message is what the person is told."""


def checked_download(access: Callable[[], bool | None], make: Callable[[], bytes]
                     ) -> Callable[[], bytes]:
    """A download's deferred data: `make()`, only when `access()` (a `may_view` with
    its arguments bound) still says yes at the moment of the download; else LinkGone.
    Runs outside the page's script, so neither may use `st`."""
    def download() -> bytes:
        if access() is not True:
            raise LinkGone(LINK_GONE)
        return make()
    return download


def may_manage(record: Owned, viewer: Viewer) -> bool:
    return can_manage(viewer, record.owner)


def limit_note(store: RunStore, viewer: Viewer) -> str | None:
    """Why `viewer` may not save another run (a limit per person), or None."""
    if not viewer.sign_in or viewer.id is None:
        return None
    runs, used = store.usage(viewer.id)
    return limit_reached(runtime.settings().user_limits, runs=runs, storage_bytes=used)


def camera_limit_note(viewer: Viewer, cameras: int) -> str | None:
    """Why `viewer`, who has `cameras` cameras, may not add another, or None."""
    if not viewer.sign_in or viewer.id is None:
        return None
    return limit_reached(runtime.settings().user_limits, runs=0, storage_bytes=0,
                         cameras=cameras, adding="camera")


def share_panel(store: LinkStore, record: Owned, param: str) -> None:
    """The owner's share links to a run or a camera (`param`: the query parameter its
    dashboard's address names it by): make one (for whom, how long), see who has each
    and who opened it, revoke one (it stops working at once)."""
    zone = viewer_zone(st.context.timezone)
    made = st.session_state.get(f"{KEY}_made_{record.id}")
    st.caption("A share link opens this dashboard read-only for whoever has it: nobody "
               "can guess it, and it stops working the moment you revoke it.")
    with st.form(f"{KEY}_new_link_{record.id}", border=False):
        label_col, expiry_col, button_col = st.columns([3, 2, 2],
                                                       vertical_alignment="bottom")
        label = label_col.text_input("Who it is for", max_chars=200,
                                     placeholder="A name, a team, a note to yourself")
        expiry = expiry_col.selectbox("Expires after", list(EXPIRY_CHOICES))
        if button_col.form_submit_button("Make a link", icon=":material/add_link:"):
            ttl = EXPIRY_CHOICES[expiry or "Never"]
            expires = datetime.now(timezone.utc) + ttl if ttl is not None else None
            try:
                link, token = store.share(record.id, label=label, expires=expires)
            except (ValueError, TypeError) as error:
                st.error(f"No link made: {error}.")
            except runtime.STORE_ERRORS:
                st.error("No link made: the database cannot be changed right now. Try "
                         "again in a moment.")
            else:
                made = (link.id, current_link(param, record.id, token))
                st.session_state[f"{KEY}_made_{record.id}"] = made
    if made is not None:
        st.caption("The new link (copy it now: it is shown only once):")
        copy_link(made[1])
    try:
        links = store.share_links(record.id)
    except runtime.STORE_ERRORS:
        st.error("The share links cannot be read right now. Try again in a moment.")
        return
    now = datetime.now(timezone.utc)
    for link in links:
        _link_row(store, record, link, now, zone)


def _link_row(store: LinkStore, record: Owned, link: ShareLink, now: datetime,
              zone: tzinfo) -> None:
    with st.container(border=True, key=f"{KEY}_link_{link.id}"):
        text_col, button_col = st.columns([5, 1], vertical_alignment="center")
        label = plain(link.label) if link.label else "(no label)"
        if link.revoked is not None:
            state = f"revoked {created_text(link.revoked, zone)}"
        elif not link.live(now):
            state = "expired"
        elif link.expires is not None:
            state = f"works until {created_text(link.expires, zone)}"
        else:
            state = "works until revoked"
        opened = ", ".join(plain(v) for v in link.visitors) or "nobody signed in yet"
        text_col.markdown(f"**{label}** · made {created_text(link.created, zone)} · "
                          f"{state}  \nOpened by: {opened}")
        if link.live(now):
            button_col.button("Revoke", key=f"{KEY}_revoke_{link.id}",
                              icon=":material/link_off:", on_click=store.revoke_link,
                              args=(record.id, link.id))
