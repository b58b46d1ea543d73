"""Where things are in the app: the pages' files, and a run's shareable address.

A run's dashboard opens at `<app>/?run=<id>`: without sign-in, in any browser (the id
is unguessable, see `run_store.ids`); with sign-in, for its owner, an admin and those it
was shared with. A share link adds the token that lets anyone in, read-only:
`<app>/?run=<id>&token=<token>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

__all__ = ["CAMERAS_PAGE", "CAMERA_PAGE", "CAMERA_PARAM", "COMPARE_PAGE", "LIVE_PAGE",
           "RUNS_PAGE", "RUN_PAGE", "RUN_PARAM", "TOKEN_PARAM", "UPLOAD_PAGE", "run_link",
           "share_link"]

UPLOAD_PAGE = "app_pages/upload.py"
LIVE_PAGE = "app_pages/live.py"
RUNS_PAGE = "app_pages/runs.py"
COMPARE_PAGE = "app_pages/compare.py"
RUN_PAGE = "app_pages/run.py"
RUN_PARAM = "run"
TOKEN_PARAM = "token"
CAMERAS_PAGE = "app_pages/cameras.py"
CAMERA_PAGE = "app_pages/camera.py"
CAMERA_PARAM = "camera"


def share_link(param: str, value: str, page_url: str | None, base_path: str = "",
               extra: Mapping[str, str] | None = None) -> str:
    """`<app>/?<param>=<value>` (then the `extra` parameters) as the viewer reaches the
    server (see `run_link`)."""
    parts = urlsplit(page_url or "")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    base = base_path.strip("/")
    query = {param: value, **(extra or {})}
    return f"{origin}{'/' + base if base else ''}/?{urlencode(query)}"


def run_link(run_id: str, page_url: str | None, base_path: str = "",
             token: str | None = None) -> str:
    """The address of the run's dashboard: the browser's scheme and host, the server's
    base path (`server.baseUrlPath`) and `/?run=<id>` (and `&token=<token>` for a share
    link). Without the browser's address (an AppTest, say) it is a link from the
    server's root.

        >>> run_link("abc", "https://cams.example.org/runs?x=1", "heat")
        'https://cams.example.org/heat/?run=abc'
    """
    return share_link(RUN_PARAM, run_id, page_url, base_path,
                      {TOKEN_PARAM: token} if token else None)
