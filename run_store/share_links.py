"""ShareLinks: the share links of one kind of thing, a run or a camera, for the store
that keeps those things (`RunStore`, `CameraStore` each hold one).

Both kinds live in the one `share_links` table (and `share_visits`): a row names the
run it opens (`run_id`) or the camera (`camera_id`), never both. Everything about a
link (its token, kept only as a hash, compared in constant time; its expiry; its
revocation; who opened it, and so with whom the thing is shared while the link lives)
is decided here once, whichever kind it opens. The caller checks the thing's id before
calling; every method takes one call's transaction of the caller's store.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from run_store.ids import check_run_id, new_run_id
from run_store.schema import ShareLinkRow, ShareVisitRow
from run_store.sharing import ShareLink, check_label, is_token, matches, new_token, token_hash

__all__ = ["ShareLinks"]


class ShareLinks:
    """The links to things whose ids are in `target` (`ShareLinkRow.run_id` or
    `ShareLinkRow.camera_id`) and whose rows are keyed by `thing` (their table's id
    column). `missing(id)` is the store's not-found error; `transaction()` opens one of
    its transactions; `now()` is its clock (aware)."""

    def __init__(self, target: InstrumentedAttribute[str | None],
                 thing: InstrumentedAttribute[str], missing: Callable[[str], Exception],
                 transaction: Callable[[], AbstractContextManager[Session]],
                 now: Callable[[], datetime]) -> None:
        self._target = target
        self._thing = thing
        self._missing = missing
        self._transaction = transaction
        self._now = now

    def share(self, thing_id: str, *, label: str = "", expires: datetime | None = None
              ) -> tuple[ShareLink, str]:
        """A new link: the link and its token (shown once: only its hash is kept)."""
        label = check_label(label)
        if expires is not None and (expires.tzinfo is None or expires.utcoffset() is None):
            raise ValueError("expires needs a time zone: a naive datetime is ambiguous")
        token = new_token()
        row = ShareLinkRow(id=new_run_id(), token_hash=token_hash(token), label=label,
                           created=self._now(), expires=expires, revoked=None,
                           **{self._target.key: thing_id})
        with self._transaction() as session:
            if session.scalar(select(func.count()).where(self._thing == thing_id)) == 0:
                raise self._missing(thing_id)
            session.add(row)
        return _link(row, ()), token

    def links(self, thing_id: str) -> list[ShareLink]:
        """The thing's links, newest first, revoked and expired ones included."""
        query = (select(ShareLinkRow).where(self._target == thing_id)
                 .order_by(ShareLinkRow.created.desc(), ShareLinkRow.id))
        with self._transaction() as session:
            rows = list(session.scalars(query))
            visits = session.execute(
                select(ShareVisitRow.link_id, ShareVisitRow.visitor)
                .where(ShareVisitRow.link_id.in_([row.id for row in rows]))
                .order_by(ShareVisitRow.first_seen, ShareVisitRow.visitor)).all()
        return [_link(row, tuple(v for link_id, v in visits if link_id == row.id))
                for row in rows]

    def revoke(self, thing_id: str, link_id: str) -> None:
        """Stop the thing's link `link_id` working, at once (again: no change)."""
        check_run_id(link_id)
        statement = (update(ShareLinkRow)
                     .where(ShareLinkRow.id == link_id, self._target == thing_id,
                            ShareLinkRow.revoked.is_(None))
                     .values(revoked=self._now())
                     .execution_options(synchronize_session=False))
        with self._transaction() as session:
            session.execute(statement)

    def open(self, thing_id: str, token: str, visitor: str | None = None
             ) -> ShareLink | None:
        """The thing's live link whose token is `token`, or None (no such link, revoked
        or expired). A signed-in `visitor` is remembered: the thing is then shared with
        them while the link stays live."""
        if not is_token(token):
            return None
        now = self._now()
        with self._transaction() as session:
            rows = session.scalars(select(ShareLinkRow).where(self._target == thing_id))
            found = None
            for row in rows:  # every row is compared: no early exit to time
                if matches(token, row.token_hash) and found is None:
                    found = row
            if found is None or not _link(found, ()).live(now):
                return None
            if visitor is not None and session.get(ShareVisitRow, (found.id, visitor)) is None:
                session.add(ShareVisitRow(link_id=found.id, visitor=visitor, first_seen=now))
            return _link(found, ())

    def shared_with(self, thing_id: str, visitor: str) -> bool:
        """Whether `visitor` opened a link to the thing that is still live."""
        with self._transaction() as session:
            return session.scalar(select(func.count()).where(
                self._thing == thing_id, self._thing.in_(self.shared_ids(visitor)))) != 0

    def shared_ids(self, visitor: str) -> Select[Any]:
        """The ids of the things shared with `visitor` (live links they opened), as a
        subquery for the store's list."""
        now = self._now()
        return (select(self._target)
                .join(ShareVisitRow, ShareVisitRow.link_id == ShareLinkRow.id)
                .where(ShareVisitRow.visitor == visitor, self._target.is_not(None),
                       ShareLinkRow.revoked.is_(None),
                       or_(ShareLinkRow.expires.is_(None), ShareLinkRow.expires > now)))

    def delete(self, session: Session, thing_id: str) -> None:
        """Delete the thing's links and their visits, in the caller's transaction (the
        one that deletes the thing: SQLite enforces no foreign keys, so by hand)."""
        links = select(ShareLinkRow.id).where(self._target == thing_id)
        session.execute(delete(ShareVisitRow).where(ShareVisitRow.link_id.in_(links))
                        .execution_options(synchronize_session=False))
        session.execute(delete(ShareLinkRow).where(self._target == thing_id)
                        .execution_options(synchronize_session=False))


def _link(row: ShareLinkRow, visitors: tuple[str, ...]) -> ShareLink:
    return ShareLink(id=row.id, run_id=row.run_id, camera_id=row.camera_id, label=row.label,
                     created=row.created, expires=row.expires, revoked=row.revoked,
                     visitors=visitors)
