"""Keeping an analysis as a saved run: the one way every feature saves (an upload's
job, a live session, a camera), with one wording of why a save failed.

`SaveTo` is the same save as a value that travels (pickled) to a worker on another
process or machine, which opens the store there: it holds the database's address,
never an open connection.

A save never raises: a database that is down must not lose the result on the page, so
the outcome says what was saved, or why not, in words a user can act on (no server
paths, no database addresses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from dashboard.analysis.settings import AnalysisSettings
from heatmap_core import Region
from run_store import MAX_NAME_LENGTH, IncompleteRun, RunKind, RunRecord, RunStore

__all__ = ["SaveOutcome", "SaveTo", "Saver", "run_name", "save_as_run", "saver_for"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SaveOutcome:
    """The saved run, or why the result could not be saved (the result still stands)."""

    saved: RunRecord | None
    error: str | None = None


Saver = Callable[[Path], SaveOutcome]


def run_name(label: str) -> str | None:
    """A run's name from a label (the file name the user gave, or what they typed), or
    None (the store then names it after the video) when nothing usable is left."""
    name = label.replace("\x00", "").strip()[:MAX_NAME_LENGTH]
    return name or None


def save_as_run(store: RunStore, folder: Path, *, name: str | None,
                settings: AnalysisSettings, regions: Sequence[Region],
                kind: RunKind, owner: str | None = None) -> SaveOutcome:
    """Save the analysis in `folder` as a run owned by `owner` (None: no sign-in);
    never raises."""
    try:
        return SaveOutcome(store.save_run(folder, name=run_name(name or ""),
                                          settings=settings.record(regions), kind=kind,
                                          owner=owner))
    except Exception as error:  # whatever happens, the result on the page must stay
        _log.exception("saving the analysis in %s as a run failed", folder)
        return SaveOutcome(None, _reason(error))


def saver_for(store: RunStore, settings: AnalysisSettings, regions: Sequence[Region],
              label: str, kind: RunKind = "upload", owner: str | None = None) -> Saver:
    """What an analysis job calls on its finished folder to save it as a run."""
    return partial(save_as_run, store, name=label, settings=settings, regions=regions,
                   kind=kind, owner=owner)


@dataclass(frozen=True)
class SaveTo:
    """Save a finished folder as a run in the store at `database_url` / `data_dir`
    (what `store_address` gives), from whichever process calls it; never raises."""

    database_url: str = field(repr=False)
    data_dir: str
    settings: AnalysisSettings
    regions: tuple[Region, ...]
    label: str
    kind: RunKind = "upload"
    owner: str | None = None

    @classmethod
    def into(cls, store: RunStore, settings: AnalysisSettings, regions: Sequence[Region],
             label: str, kind: RunKind = "upload", owner: str | None = None) -> SaveTo:
        """A SaveTo for the database and data folder `store` resolved."""
        return cls(store.url.render_as_string(hide_password=False), str(store.data_dir),
                   settings, tuple(regions), label, kind, owner)

    def __call__(self, folder: Path) -> SaveOutcome:
        try:
            store = RunStore(self.database_url, self.data_dir)
        except Exception as error:
            _log.exception("opening the run store to save %s failed", folder)
            return SaveOutcome(None, _reason(error))
        try:
            return save_as_run(store, folder, name=self.label, settings=self.settings,
                               regions=self.regions, kind=self.kind, owner=self.owner)
        finally:
            store.close()


def _reason(error: Exception) -> str:
    if isinstance(error, IncompleteRun):
        return f"the result is incomplete: {error}"
    if isinstance(error, (SQLAlchemyError, ConnectionError)):
        return "the database of saved runs cannot be reached"
    if isinstance(error, OSError):
        return f"the data folder could not be written ({error.strerror or 'I/O error'})"
    if isinstance(error, ValueError):
        return str(error)
    return f"unexpected error ({type(error).__name__})"
