"""The upload page's widgets: pick a video, run and follow the analysis, see the result.
Every change of state goes through `UploadState`'s methods.

The analysis runs on the worker tier (`workers.Uploads`); while it runs the page's
address holds `?upload=<id>`, so a reloaded page finds it again."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import current_viewer, limit_note
from dashboard.analysis.models import worker_weights
from dashboard.analysis.settings import AnalysisSettings
from dashboard.common.links import UPLOAD_PAGE
from dashboard.common.text import SETTINGS_PLACE, clock_text, plain
from dashboard.common.widgets import bring_into_view
from dashboard.regions.editor import RegionInput
from dashboard.regions.widgets import region_now
from dashboard.runs.saving import SaveTo
from dashboard.runs.widgets import saved_run_notice, show_result
from dashboard.upload.job import AnalysisJob
from dashboard.upload.state import UploadState
from dashboard.upload.video_source import (
    VIDEO_TYPES,
    VIDEO_TYPES_TEXT,
    VideoSource,
    open_source,
    sample_video,
    save_upload,
)
from heatmap_core import Progress, VideoError
from workers import RayUnavailable, UploadRequest

__all__ = ["KEY", "UPLOAD_PARAM", "collect", "progress_text", "region_key", "result_section",
           "run_section", "running_note", "upload_state", "video_picker"]

KEY = "upload"
UPLOAD_PARAM = "upload"  # the page's address names the running upload: ?upload=<id>
_STATE = "upload_page"


def upload_state() -> UploadState:
    """This session's upload page state, made on first use (with the upload the
    address names, when this is a reloaded page whose analysis still runs)."""
    if _STATE not in st.session_state:
        st.session_state[_STATE] = _reattached() or UploadState()
    state: UploadState = st.session_state[_STATE]
    return state


def collect(state: UploadState) -> None:
    """Turn an ended job into its result or notice; the address forgets it."""
    state.collect()
    if state.job is None and UPLOAD_PARAM in st.query_params:
        del st.query_params[UPLOAD_PARAM]


def video_picker(state: UploadState) -> VideoSource | None:
    """The uploader and the sample button; the video to analyse, if any."""
    max_mb = st.get_option("server.maxUploadSize")
    upload_col, sample_col = st.columns([3, 1], vertical_alignment="center")
    # Changes are handled in callbacks, which run only when the user acts: the uploader
    # comes back empty after a visit to another page, and that must not drop the video.
    upload_col.file_uploader(
        f"Upload a video ({VIDEO_TYPES_TEXT}, up to {max_mb} MB)", type=list(VIDEO_TYPES),
        key=f"{KEY}_file", disabled=state.busy, on_change=_uploaded,
        help=f"{VIDEO_TYPES_TEXT}, at most {max_mb} MB. A fixed camera (CCTV, a tripod) "
             "works best: the motion detector needs a still background.")
    sample_col.button(
        "Try the sample video", key=f"{KEY}_sample", icon=":material/movie:",
        disabled=state.busy, width="stretch", on_click=_sample_chosen,
        help="No video at hand? Analyse a sample: footage this server offers, else a "
             "rendered street scene.")
    if state.video_error:
        st.error(state.video_error)
    if state.video is None and not state.video_error:
        st.caption("Upload a video, or press **Try the sample video**.")
    return state.video


def region_key(video: VideoSource) -> str:
    """The region editor's key for `video` (one region per video)."""
    return f"{KEY}_region_{video.id}"


def run_section(state: UploadState, video: VideoSource, region: RegionInput,
                settings: AnalysisSettings) -> None:
    """Run (or why it cannot run yet), and the analysis's progress while it runs.
    `region` is the editor's (under `region_key(video)`) as this drawing shows it."""
    problems = ([] if settings.model else [f"choose a model that loads in {SETTINGS_PLACE}"]) + (
        ["fix the region"] if region.error else
        ["finish the region (or press Clear to count nothing)"] if region.unfinished else [])
    st.button("Run", type="primary", icon=":material/play_arrow:", key=f"{KEY}_run",
              disabled=state.busy or bool(problems), on_click=_start,
              args=(state, video, settings),
              help="Analyse the whole video with these settings.")
    if problems:
        st.caption(f"To run, {' and '.join(problems)}.")
    if state.notice:
        st.error(state.notice)
    if state.job is not None:
        if st.query_params.get(UPLOAD_PARAM) != state.job.id:  # back from another page
            st.query_params[UPLOAD_PARAM] = state.job.id
        _progress_panel()


def result_section(state: UploadState) -> None:
    """The newest result, with the run it was saved as."""
    if state.job is not None or state.result is None:
        return
    st.subheader("4. Result", anchor="result")
    if state.result_shown():
        bring_into_view("result")
    saved_run_notice(state.saved, state.save_error, key=f"{KEY}_run")
    show_result(state.result, key=f"{KEY}_result_{state.result.name}")


def running_note() -> None:
    """On other pages: this session's analysis that is still running, and the way back."""
    state = upload_state()
    if state.busy and state.video is not None:
        snapshot = state.job.snapshot() if state.job else None
        progress = snapshot.progress if snapshot else None
        st.info(f"Your analysis of **{plain(state.video.label)}** is running "
                f"({progress_text(progress)}). It is listed here as soon as it ends.",
                icon=":material/hourglass_top:")
        st.page_link(UPLOAD_PAGE, label="Back to the analysis", icon=":material/upload_file:")


def progress_text(progress: Progress | None) -> str:
    """'Frame 120 of 795 · 131 frames/s · 0:05 left'."""
    if progress is None:
        return "Starting…"
    done = (f"Frame {progress.frames_done} of {progress.frames_total}"
            if progress.frames_total else f"Frame {progress.frames_done}")
    eta = progress.eta_s
    left = f" · {clock_text(eta)} left" if eta is not None else ""
    return f"{done} · {progress.fps:.0f} frames/s{left}"


@st.fragment(run_every=0.5)
def _progress_panel() -> None:
    state = upload_state()
    job = state.job
    if job is None:
        return
    snapshot = job.snapshot()
    if not snapshot.active:
        st.rerun()  # the whole page shows the result
    if snapshot.status == "waiting":
        st.info("Waiting for a free worker: yours starts as soon as one is free (this "
                f"server analyses {runtime.settings().max_analyses} videos at a time, and "
                "cameras need workers too).", icon=":material/hourglass_top:")
    else:
        if snapshot.restarted:
            st.caption("Its worker was lost (a process or machine stopped), so the "
                       "analysis started again from the first frame on another worker.")
        progress = snapshot.progress
        st.progress((progress.fraction or 0.0) if progress else 0.0,
                    text=progress_text(progress))
    # The sidebar may show other settings (after a reload): say what this one runs.
    st.caption(f"Model: {plain(job.request.model_name or job.request.weights)}")
    if st.button("Stop", key=f"{KEY}_stop", icon=":material/stop:", disabled=job.stopping,
                 help="Stop now and keep what was analysed so far."):
        job.stop()
    if job.stopping:
        st.caption("Stopping: saving what was analysed so far…")
    if snapshot.preview is not None:  # the worker's newest frame, at most 640 wide
        st.image(snapshot.preview,
                 caption=f"Live: IN {snapshot.in_count} · OUT {snapshot.out_count}")


# -- callbacks: they run before the page is drawn ----------------------------------

def _uploaded() -> None:
    state = upload_state()
    uploaded = st.session_state.get(f"{KEY}_file")
    if state.busy:
        return
    if uploaded is None:  # the user removed their file
        if state.video is not None and not state.video.sample:
            state.forget_video()
        return
    state.forget_video()
    folder = runtime.data_folders().upload_folder(runtime.current_session().id)
    _use_video(state, save_upload(uploaded, uploaded.name, folder), uploaded.name)


def _sample_chosen() -> None:
    state = upload_state()
    if state.busy:
        return
    config = runtime.settings()
    sample = sample_video(config.sample_video, runtime.data_folders().samples)
    _use_video(state, sample.path, sample.label, sample=True)


def _use_video(state: UploadState, path: Path, label: str, sample: bool = False) -> None:
    try:
        state.use_video(open_source(path, label, sample=sample))
    except VideoError as error:
        if not sample:
            path.unlink(missing_ok=True)
        message = str(error).replace(str(path), label)  # never show server paths
        state.video_failed(f"**{plain(label)}** cannot be analysed: {plain(message)}. Upload "
                           f"a video file ({VIDEO_TYPES_TEXT}), or press Try the sample video.")


def _start(state: UploadState, video: VideoSource, settings: AnalysisSettings) -> None:
    region = region_now(video.first_frame, region_key(video))  # as typed, not as drawn
    if state.busy or not region.ready or settings.model is None:
        return
    viewer = current_viewer()
    try:
        refused = limit_note(runtime.run_store(), viewer)
    except runtime.STORE_ERRORS:
        refused = None  # the analysis still runs; its save says what went wrong
    if refused:
        state.start_failed(f"Cannot start: {refused}")
        return
    regions = [region.region] if region.region else []
    model = settings.model
    session = runtime.current_session()
    config = runtime.settings()
    request = UploadRequest(
        video=str(video.path), label=video.label, sample=video.sample,
        output_dir=str(runtime.data_folders().new_run_dir(session.id)),
        weights=worker_weights(model), model_name=model.name, regions=tuple(regions),
        options=settings.heatmap_options(), stride=settings.stride,
        cache_dir=str(config.cache_dir), session_id=session.id, owner=viewer.id,
        save=SaveTo.into(runtime.run_store(), settings, regions, video.label,
                         owner=viewer.id))
    try:
        job = AnalysisJob.submit(runtime.uploads(), request)
    except RayUnavailable as error:
        state.start_failed(f"Cannot start: {error}.")
        return
    state.started(job)
    st.query_params[UPLOAD_PARAM] = job.id  # a reloaded page finds it again
    session.track(job)  # a tab closed for a while stops it (its partial result is saved)


def _reattached() -> UploadState | None:
    """The state of a reloaded page whose address names an upload that still runs (or
    ended and was not collected), when this viewer may see it."""
    upload_id = st.query_params.get(UPLOAD_PARAM)
    if not upload_id:
        return None
    try:
        job = AnalysisJob.find(runtime.uploads(), upload_id)
    except RayUnavailable:
        job = None
    if job is None or job.request.owner != current_viewer().id:
        del st.query_params[UPLOAD_PARAM]
        return None
    if job.request.session_id:
        runtime.resume_session(job.request.session_id)
    try:
        video: VideoSource | None = open_source(job.source, job.request.label,
                                                sample=job.request.sample)
    except VideoError:
        video = None
    state = UploadState(video=video)
    state.started(job)
    return state
