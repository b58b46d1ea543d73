"""The dashboard's settings: one validated, frozen object, read from the environment once.

Every value the operator can set lives here, with its default and its check, and nowhere
else: pages and workers receive the `Settings` (through `dashboard.runtime.settings()`)
instead of reading `os.environ`. A bad value is a `SettingsError` naming the variable,
what it holds and what it should hold; the app shows it and starts no page.

| variable | default | what |
|---|---|---|
| HEATMAP_DATA_DIR | `data/` in the folder the app is started from | uploads, results, runs |
| DATABASE_URL | SQLite in the data dir | the run store's database |
| HEATMAP_MAX_ANALYSES | 2 | uploads analysed at once on the embedded Ray; more wait |
| HEATMAP_ICE_SERVERS | none (or `ice_servers` in secrets.toml) | STUN/TURN for the live page |
| HEATMAP_SAMPLE_VIDEO | none: a rendered scene | footage offered as the sample |
| HEATMAP_CACHE_DIR | ~/.cache/heatmap_core | ONNX / OpenVINO exports of weights |
| HEATMAP_ABANDON_S | 60 | a tab away this long has its analysis stopped |
| HEATMAP_SESSION_TTL_H | 24 | session folders idle this long are removed |
| RAY_ADDRESS | none: a local Ray, started when a camera first runs | a Ray cluster to join |
| HEATMAP_RAY_CPUS | all | CPUs of the local Ray |
| HEATMAP_CAMERA_CPUS | 0.5 | CPUs each camera's worker asks Ray for |
| HEATMAP_CAMERA_GPUS | 0 | GPU share each camera's worker asks Ray for |
| HEATMAP_UPLOAD_CPUS | 1 | CPUs each upload's worker asks Ray for |
| HEATMAP_UPLOAD_GPUS | 0 | GPU share each upload's worker asks Ray for |
| HEATMAP_CAMERA_INTERVAL_S | 60 | a camera's counts are stored per this many seconds |
| HEATMAP_ADMINS | none | emails (comma-separated) of those who may manage everything |
| HEATMAP_USER_MAX_RUNS | no limit | saved runs (uploads, live sessions) per person |
| HEATMAP_USER_MAX_STORAGE_MB | no limit | storage of saved runs per person, in MB |
| HEATMAP_USER_MAX_CAMERAS | no limit | cameras per person |

Sign-in is on when `.streamlit/secrets.toml` has an `[auth]` section (Streamlit's own
OIDC: `redirect_uri`, `cookie_secret`, `client_id`, `client_secret`,
`server_metadata_url`); admins and the limits per person apply only then.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from dashboard.access.limits import UserLimits
from dashboard.live.ice import IceConfig, ice_config
from workers import WorkerSettings

__all__ = ["VARIABLES", "Settings", "SettingsError"]

VARIABLES = ("HEATMAP_DATA_DIR", "DATABASE_URL", "HEATMAP_MAX_ANALYSES", "HEATMAP_ICE_SERVERS",
             "HEATMAP_SAMPLE_VIDEO", "HEATMAP_CACHE_DIR", "HEATMAP_ABANDON_S",
             "HEATMAP_SESSION_TTL_H", "RAY_ADDRESS", "HEATMAP_RAY_CPUS", "HEATMAP_CAMERA_CPUS",
             "HEATMAP_CAMERA_GPUS", "HEATMAP_UPLOAD_CPUS", "HEATMAP_UPLOAD_GPUS",
             "HEATMAP_CAMERA_INTERVAL_S", "HEATMAP_ADMINS",
             "HEATMAP_USER_MAX_RUNS", "HEATMAP_USER_MAX_STORAGE_MB", "HEATMAP_USER_MAX_CAMERAS")
_AUTH_KEYS = ("redirect_uri", "cookie_secret")  # Streamlit's own sign-in needs both


class SettingsError(ValueError):
    """A setting the app cannot start with; the message names the variable and the fix."""


@dataclass(frozen=True)
class Settings:
    """What the operator chose; see the module docstring for each value's source."""

    data_dir: Path
    database_url: str | None = None
    max_analyses: int = 2
    ice: IceConfig = field(default_factory=IceConfig)
    sample_video: Path | None = None
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "heatmap_core")
    abandon_s: float = 60.0
    session_ttl_h: float = 24.0
    workers: WorkerSettings | None = None  # the worker tier; None: defaults for data_dir
    sign_in: bool = False  # secrets.toml has [auth]
    admins: frozenset[str] = frozenset()  # emails, lower case
    user_limits: UserLimits = field(default_factory=UserLimits)

    @property
    def camera_workers(self) -> WorkerSettings:
        """What the camera tier runs with: these settings' data folder and database."""
        return self.workers or WorkerSettings(data_dir=str(self.data_dir),
                                              database_url=self.database_url,
                                              upload_slots=self.max_analyses)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], secrets: Mapping[str, Any] | None = None,
                     *, cwd: Path | None = None) -> Settings:
        """The settings in `environ` (and `secrets`, for the ICE servers and sign-in);
        SettingsError for the first value that is not valid."""
        base = cwd or Path.cwd()
        data_dir = _path(environ, "HEATMAP_DATA_DIR") or base / "data"
        sample = _path(environ, "HEATMAP_SAMPLE_VIDEO")
        if sample is not None and not sample.is_file():
            raise SettingsError(f"HEATMAP_SAMPLE_VIDEO: there is no file at {sample}. Point "
                                "it at a video file, or unset it to offer a rendered scene.")
        data_dir = data_dir if data_dir.is_absolute() else base / data_dir
        database_url = environ.get("DATABASE_URL", "").strip() or None
        cache_dir = _path(environ, "HEATMAP_CACHE_DIR") or Path.home() / ".cache" / "heatmap_core"
        max_analyses = _whole(environ, "HEATMAP_MAX_ANALYSES", 2)
        try:
            workers = WorkerSettings.from_environ(
                environ, data_dir=data_dir, database_url=database_url,
                interval_s=_positive(environ, "HEATMAP_CAMERA_INTERVAL_S", 60.0),
                upload_slots=max_analyses, cache_dir=str(cache_dir))
        except ValueError as error:
            raise SettingsError(str(error)) from None
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            max_analyses=max_analyses,
            ice=ice_config(environ, secrets or {}),
            sample_video=sample,
            cache_dir=cache_dir,
            abandon_s=_positive(environ, "HEATMAP_ABANDON_S", 60.0),
            session_ttl_h=_positive(environ, "HEATMAP_SESSION_TTL_H", 24.0),
            workers=workers,
            sign_in=_sign_in(secrets or {}),
            admins=frozenset(e.strip().lower() for e in environ.get("HEATMAP_ADMINS", "")
                             .split(",") if e.strip()),
            user_limits=UserLimits(
                runs=_whole(environ, "HEATMAP_USER_MAX_RUNS", None),
                storage_mb=_positive(environ, "HEATMAP_USER_MAX_STORAGE_MB", None),
                cameras=_whole(environ, "HEATMAP_USER_MAX_CAMERAS", None)),
        )


def _sign_in(secrets: Mapping[str, Any]) -> bool:
    auth = secrets.get("auth")
    if auth is None:
        return False
    missing = [key for key in _AUTH_KEYS if not (isinstance(auth, Mapping) and auth.get(key))]
    if missing:
        raise SettingsError(f"secrets.toml [auth] lacks {', '.join(missing)}: add it (see the "
                            "README, Sign-in), or remove [auth] to run without sign-in.")
    return True


def _path(environ: Mapping[str, str], name: str) -> Path | None:
    value = environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


@overload
def _whole(environ: Mapping[str, str], name: str, default: int) -> int: ...
@overload
def _whole(environ: Mapping[str, str], name: str, default: None) -> int | None: ...
def _whole(environ: Mapping[str, str], name: str, default: int | None) -> int | None:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise SettingsError(f"{name} must be a whole number of 1 or more, got {text!r}. "
                            f"Fix it or unset it ({_default_text(default)}).")
    return value


@overload
def _positive(environ: Mapping[str, str], name: str, default: float) -> float: ...
@overload
def _positive(environ: Mapping[str, str], name: str, default: None) -> float | None: ...
def _positive(environ: Mapping[str, str], name: str, default: float | None) -> float | None:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise SettingsError(f"{name} must be a number above 0, got {text!r}. Fix it or "
                            f"unset it ({_default_text(default)}).")
    return value


def _default_text(default: float | None) -> str:
    return "no limit" if default is None else f"default {default:g}"
