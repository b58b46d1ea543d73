"""run_store: saved analysis runs, so a run's dashboard can be shown from a link
(`/?run=<id>`) by anyone, long after the session that made it. Pure Python; imports
no UI toolkit.

    >>> from run_store import RunStore
    >>> store = RunStore(None, "data")  # SQLite in data/; or a database URL first
    >>> run = store.save_run(output_dir, name="Main entrance", settings={"model": "motion"})
    >>> store.get(run.id).in_count, store.events(run.id), store.heatmap(run.id).shape

Cameras (configured streams, and what their workers count as they go) live in the same
database: `CameraStore` (intervals, events, heat snapshots, gaps, zone visits; bounded
by `prune`).
"""

from run_store.camera_alerts import CameraAlert
from run_store.camera_buckets import Bucket
from run_store.camera_dwells import DWELL_EDGES_S, DwellStats, DwellVisit
from run_store.camera_records import (
    CameraEvent,
    CameraRecord,
    DesiredState,
    Flush,
    Gap,
    HeatSnapshot,
    HeatSum,
    IntervalCount,
    Retention,
    check_camera_id,
)
from run_store.camera_store import CameraStore
from run_store.errors import (
    CameraNotFound,
    IncompleteRun,
    InvalidCameraId,
    InvalidRunId,
    RunNotFound,
)
from run_store.folder import EVENT_COLUMNS, SAVED_FILES, SERIES_COLUMNS
from run_store.ids import check_run_id, is_run_id, new_run_id
from run_store.record import RunKind, RunRecord, RunStatus
from run_store.sharing import ShareLink, is_token
from run_store.store import MAX_NAME_LENGTH, RunStore

__all__ = [
    "DWELL_EDGES_S",
    "EVENT_COLUMNS",
    "MAX_NAME_LENGTH",
    "SAVED_FILES",
    "SERIES_COLUMNS",
    "Bucket",
    "CameraAlert",
    "CameraEvent",
    "CameraNotFound",
    "CameraRecord",
    "CameraStore",
    "DesiredState",
    "DwellStats",
    "DwellVisit",
    "Flush",
    "Gap",
    "HeatSnapshot",
    "HeatSum",
    "IncompleteRun",
    "IntervalCount",
    "InvalidCameraId",
    "InvalidRunId",
    "Retention",
    "RunKind",
    "RunNotFound",
    "RunRecord",
    "RunStatus",
    "RunStore",
    "ShareLink",
    "check_camera_id",
    "check_run_id",
    "is_run_id",
    "is_token",
    "new_run_id",
]
