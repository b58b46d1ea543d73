"""RunStore: saved analysis runs, as rows in a database and files in folders beside it.

A save reads and checks the whole analysis folder first, then places the run's files
(all or none, see `blobs`), then inserts the row in one transaction. The row is what
makes a run visible, so until the commit nobody sees the run, and a failure at any step
removes whatever the earlier steps made.

Who may see or change a run is the app's decision, not the store's: the store records
each run's owner and its share links, and answers who owns what and with whom a run is
shared (`list(owner=..., shared_with=...)`, `shared_with`, `open_link`).
"""

from __future__ import annotations

import builtins
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import CursorResult, delete, func, or_, select, update

from run_store.blobs import RunFolders
from run_store.database import Database
from run_store.errors import RunNotFound
from run_store.folder import EVENT_COLUMNS, SAVED_FILES, SERIES_COLUMNS, AnalysisFolder
from run_store.ids import check_run_id, new_run_id
from run_store.record import RunKind, RunRecord, RunStatus
from run_store.schema import RunRow, ShareLinkRow
from run_store.share_links import ShareLinks
from run_store.sharing import ShareLink

__all__ = ["MAX_NAME_LENGTH", "RunStore"]

MAX_NAME_LENGTH = 200
_KINDS = ("upload", "live")


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class RunStore:
    """Saved runs in the database at `database_url` (None: the SQLite file
    `runs.sqlite3` in `data_dir`) with their files under `<data_dir>/runs/<run id>/`.
    Both are given by the caller: the store reads no environment.

    Thread-safe, and several processes may share one database and data folder: one
    instance can serve every session of an app. Every method that takes a run id raises
    InvalidRunId for text that is not one, before touching the database or the disk.

        >>> store = RunStore(None, "data")
        >>> run = store.save_run("runs/street", settings={"model": "yolo11n.pt"})
        >>> store.get(run.id).status
        'complete'
    """

    def __init__(self, database_url: str | None, data_dir: str | Path, *,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self.data_dir = Path(data_dir)
        self._database = Database(database_url, self.data_dir)
        self.url = self._database.url
        self._transaction = self._database.transaction
        self._folders = RunFolders(self.data_dir / "runs")
        self._clock = clock
        self._links = ShareLinks(ShareLinkRow.run_id, RunRow.id, RunNotFound,
                                 self._transaction, self._created)

    def __repr__(self) -> str:
        return f"RunStore({self.url.render_as_string(hide_password=True)!r}, {self.data_dir})"

    def close(self) -> None:
        """Close the database connections (a later call opens new ones)."""
        self._database.close()

    def save_run(self, output_dir: str | Path, *, name: str | None = None,
                 settings: dict[str, Any], kind: RunKind = "upload",
                 owner: str | None = None) -> RunRecord:
        """Save the analysis in `output_dir` (as `heatmap_core.analyse_video` writes it)
        as a new run, "partial" when its summary says so. The folder is copied, not
        moved. `name` defaults to the video's name; `owner` is who made it (None: made
        without sign-in).

        Raises IncompleteRun for a folder without summary.json or with a missing or
        damaged file; ValueError for a bad name or kind; TypeError (or ValueError, for
        NaN) for settings that are not plain JSON. On any failure nothing is saved.
        """
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, got {kind!r}")
        settings = _json_copy(settings)
        if name is not None:
            _check_name(name)
        analysis = AnalysisFolder.read(output_dir)
        summary = analysis.summary
        row = RunRow(
            id=new_run_id(), name=summary["source"][:MAX_NAME_LENGTH] if name is None else name,
            created=self._created(), source=summary["source"], kind=kind,
            status="partial" if summary["partial"] else "complete", settings=settings,
            summary=summary, in_count=summary["in_count"], out_count=summary["out_count"],
            total_tracks=summary["total_tracks"], files=list(analysis.files),
            thumbnail=analysis.thumbnail_jpeg, heatmap=analysis.heatmap_npz,
            events=analysis.events, series=analysis.series, owner=owner)
        self._database.prepare()
        self._folders.place(row.id, analysis.path, analysis.files)
        try:
            with self._transaction() as session:
                session.add(row)
        except BaseException:
            self._folders.remove(row.id)
            raise
        return _record(row)

    def get(self, run_id: str) -> RunRecord | None:
        """The run, or None when no run has this (well-formed) id."""
        check_run_id(run_id)
        with self._transaction() as session:
            row = session.get(RunRow, run_id)
            return None if row is None else _record(row)

    def list(self, name_contains: str | None = None, since: datetime | None = None,
             until: datetime | None = None, limit: int = 100, *, owner: str | None = None,
             shared_with: str | None = None) -> builtins.list[RunRecord]:
        """Runs newest first: names containing `name_contains` (any case, taken
        literally: % and _ are not wildcards), created at or after `since` and before
        `until` (datetimes with a time zone), at most `limit` of them. With `owner`
        and/or `shared_with`, only the runs that `owner` made or that were shared with
        `shared_with` (a live link they opened); without either, every run."""
        if limit < 1:
            raise ValueError(f"limit must be 1 or more, got {limit}")
        query = select(RunRow).order_by(RunRow.created.desc(), RunRow.id).limit(limit)
        audience = []
        if owner is not None:
            audience.append(RunRow.owner == owner)
        if shared_with is not None:
            audience.append(RunRow.id.in_(self._links.shared_ids(shared_with)))
        if audience:
            query = query.where(or_(*audience))
        if name_contains:
            query = query.where(RunRow.name.icontains(name_contains, autoescape=True))
        if since is not None:
            query = query.where(RunRow.created >= _aware(since, "since"))
        if until is not None:
            query = query.where(RunRow.created < _aware(until, "until"))
        with self._transaction() as session:
            return [_record(row) for row in session.scalars(query)]

    def rename(self, run_id: str, name: str) -> RunRecord:
        """Give the run a new name (stored exactly as given); RunNotFound if it is gone."""
        check_run_id(run_id)
        _check_name(name)
        statement = (update(RunRow).where(RunRow.id == run_id).values(name=name)
                     .execution_options(synchronize_session=False))
        with self._transaction() as session:
            result = cast(CursorResult[Any], session.execute(statement))
            if result.rowcount == 0:
                raise RunNotFound(run_id)
            return _record(session.get_one(RunRow, run_id))

    def delete(self, run_id: str) -> None:
        """Delete the run's row and its links, then its files; RunNotFound if it is
        already gone."""
        check_run_id(run_id)
        statement = (delete(RunRow).where(RunRow.id == run_id)
                     .execution_options(synchronize_session=False))
        with self._transaction() as session:
            self._links.delete(session, run_id)
            result = cast(CursorResult[Any], session.execute(statement))
            if result.rowcount == 0:
                raise RunNotFound(run_id)
        self._folders.remove(run_id)

    def file_path(self, run_id: str, filename: str) -> Path:
        """Where the run's copy of one output file is. `filename` must be one of the
        names `analyse_video` writes (`heatmap_core.OUTPUT_FILES`); anything else is a
        ValueError, so user input never becomes part of a path."""
        check_run_id(run_id)
        if filename not in SAVED_FILES:
            raise ValueError(f"not a run file: {filename[:40]!r}; one of {SAVED_FILES}")
        if filename not in self._column(run_id, RunRow.files):
            raise FileNotFoundError(f"run {run_id} has no {filename}")
        return self._folders.folder(run_id) / filename

    def heatmap(self, run_id: str) -> npt.NDArray[np.float32]:
        """The raw accumulated heat (height x width), as heatmap.npy held it."""
        blob = self._column(run_id, RunRow.heatmap)
        with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
            heat: npt.NDArray[np.float32] = arrays["heatmap"]
        return heat

    def events(self, run_id: str) -> builtins.list[dict[str, Any]]:
        """The rows of events.csv, typed: `pandas.DataFrame(rows, columns=EVENT_COLUMNS)`
        gives what reading the CSV gives."""
        rows = self._column(run_id, RunRow.events)
        return [dict(zip(EVENT_COLUMNS, row, strict=True)) for row in rows]

    def series(self, run_id: str) -> builtins.list[dict[str, Any]]:
        """The rows of series.csv (counts per time bin), typed, like `events`."""
        rows = self._column(run_id, RunRow.series)
        return [dict(zip(SERIES_COLUMNS, row, strict=True)) for row in rows]

    def usage(self, owner: str) -> tuple[int, int]:
        """(runs, bytes) that `owner`'s saved runs take: the rows' images and the files
        in their folders."""
        query = select(RunRow.id, func.length(RunRow.thumbnail) + func.length(RunRow.heatmap)
                       ).where(RunRow.owner == owner)
        with self._transaction() as session:
            rows = session.execute(query).all()
        return len(rows), sum(int(size or 0) + self._folders.size(run_id)
                              for run_id, size in rows)

    # --- share links (the rules are `ShareLinks`', the same for cameras) -----------------

    def share(self, run_id: str, *, label: str = "", expires: datetime | None = None
              ) -> tuple[ShareLink, str]:
        """A new share link to the run: the link and its token (shown once: only its
        hash is kept). RunNotFound if the run is gone."""
        return self._links.share(check_run_id(run_id), label=label, expires=expires)

    def share_links(self, run_id: str) -> builtins.list[ShareLink]:
        """The run's links, newest first, revoked and expired ones included."""
        return self._links.links(check_run_id(run_id))

    def revoke_link(self, run_id: str, link_id: str) -> None:
        """Stop the run's link `link_id` working, at once (again: no change)."""
        self._links.revoke(check_run_id(run_id), link_id)

    def open_link(self, run_id: str, token: str, visitor: str | None = None
                  ) -> ShareLink | None:
        """The live link of the run whose token is `token`, or None (no such link,
        revoked or expired). A signed-in `visitor` is remembered: the run is then
        shared with them (in their list) while the link stays live."""
        return self._links.open(check_run_id(run_id), token, visitor)

    def shared_with(self, run_id: str, visitor: str) -> bool:
        """Whether `visitor` opened a link to the run that is still live."""
        return self._links.shared_with(check_run_id(run_id), visitor)

    def remove_orphans(self, older_than: timedelta = timedelta(hours=1)) -> int:
        """Delete run folders that no row names, untouched for `older_than`: what a
        process killed mid-save or mid-delete leaves (invisible, but taking space).
        Returns how many were removed."""
        with self._transaction() as session:
            keep = set(session.scalars(select(RunRow.id)))
        return self._folders.remove_orphans(keep, older_than.total_seconds())

    def _column(self, run_id: str, column: Any) -> Any:
        check_run_id(run_id)
        with self._transaction() as session:
            value = session.scalar(select(column).where(RunRow.id == run_id))
        if value is None:
            raise RunNotFound(run_id)
        return value

    def _created(self) -> datetime:
        return _aware(self._clock(), "the clock's time")


def _record(row: RunRow) -> RunRecord:
    return RunRecord(
        id=row.id, name=row.name, created=row.created, source=row.source,
        kind=cast(RunKind, row.kind), status=cast(RunStatus, row.status),
        settings=row.settings, summary=row.summary, in_count=row.in_count,
        out_count=row.out_count, total_tracks=row.total_tracks, files=tuple(row.files),
        thumbnail=row.thumbnail, owner=row.owner)


def _check_name(name: object) -> None:
    if not isinstance(name, str):
        raise TypeError(f"a run name is text, got {type(name).__name__}")
    if not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"a run name has 1 to {MAX_NAME_LENGTH} characters, not all blank")
    if "\x00" in name:  # PostgreSQL text cannot hold it
        raise ValueError("a run name cannot contain a NUL character")


def _json_copy(settings: dict[str, Any]) -> dict[str, Any]:
    """The settings as they will come back from the database (tuples become lists)."""
    if not isinstance(settings, dict):
        raise TypeError(f"settings must be a dict, got {type(settings).__name__}")
    return cast(dict[str, Any], json.loads(json.dumps(settings, allow_nan=False)))


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} needs a time zone: a naive datetime is ambiguous")
    return moment
