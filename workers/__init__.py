"""workers: the analysis tier on Ray. Cameras that keep running: one actor per camera
analyses its RTSP/HTTP stream server-side and writes what it counts to the run store.
Uploads: one actor per uploaded video analyses it and saves the run itself.

    >>> from workers import Cameras, CameraConfig, WorkerSettings
    >>> cameras = Cameras(WorkerSettings.from_environ(environ, data_dir="data"))
    >>> cameras.resume_running()  # once, when the app starts
    >>> camera_id = cameras.add_camera(CameraConfig(name="Door", url="rtsp://cam/stream"))
    >>> cameras.start(camera_id)
    >>> [state.describe() for state in cameras.states()]
    >>> uploads = Uploads(settings)
    >>> upload_id = uploads.submit(UploadRequest(video="street.mp4", label="street.mp4",
    ...                                          output_dir="data/out"))
    >>> uploads.status(upload_id).status  # waiting, running, finished, failed, cancelled
"""

from workers.camera_config import HEATMAP_OPTIONS, CameraConfig, build_heatmap
from workers.camera_state import CAMERA_STATUSES, CameraState, CameraStatus
from workers.cameras import Cameras, grab_frame
from workers.cluster import RayUnavailable, connect
from workers.reconnect import Backoff, Reconnector
from workers.settings import WorkerSettings
from workers.stream_source import StreamError, StreamFault, open_stream, redact_url
from workers.upload_request import UPLOAD_STATUSES, UploadRequest, UploadStatus
from workers.uploads import Uploads

__all__ = [
    "CAMERA_STATUSES", "HEATMAP_OPTIONS", "UPLOAD_STATUSES", "Backoff", "CameraConfig",
    "CameraState", "CameraStatus", "Cameras", "RayUnavailable", "Reconnector", "StreamError",
    "StreamFault", "UploadRequest", "UploadStatus", "Uploads", "WorkerSettings",
    "build_heatmap", "connect", "grab_frame", "open_stream", "redact_url",
]
