"""The upload page's widgets: pick a video, run and follow the analysis, see the result.
Every change of state goes through `UploadState`'s methods."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import streamlit as st

from dashboard import runtime
from dashboard.access.widgets import current_viewer, limit_note
from dashboard.analysis.settings import AnalysisSettings
from dashboard.common.links import UPLOAD_PAGE
from dashboard.common.text import SETTINGS_PLACE, clock_text, plain
from dashboard.common.widgets import bring_into_view
from dashboard.regions.editor import RegionInput
from dashboard.runs.saving import saver_for
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
from heatmap_core import ModelLoadError, Progress, VideoError

__all__ = ["KEY", "progress_text", "result_section", "run_section", "running_note",
           "upload_state",
           "video_picker"]

KEY = "upload"
_STATE = "upload_page"


def upload_state() -> UploadState:
    """This session's upload page state, made on first use."""
    if _STATE not in st.session_state:
        st.session_state[_STATE] = UploadState()
    state: UploadState = st.session_state[_STATE]
    return state


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


def run_section(state: UploadState, video: VideoSource, region: RegionInput,
                settings: AnalysisSettings) -> None:
    """Run (or why it cannot run yet), and the analysis's progress while it runs."""
    problems = ([] if settings.model else [f"choose a model that loads in {SETTINGS_PLACE}"]) + (
        ["fix the region"] if region.error else
        ["finish the region (or press Clear to count nothing)"] if region.unfinished else [])
    st.button("Run", type="primary", icon=":material/play_arrow:", key=f"{KEY}_run",
              disabled=state.busy or bool(problems), on_click=_start,
              args=(state, video, region, settings),
              help="Analyse the whole video with these settings.")
    if problems:
        st.caption(f"To run, {' and '.join(problems)}.")
    if state.notice:
        st.error(state.notice)
    if state.job is not None:
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
    if snapshot.status == "queued":
        ahead = snapshot.ahead
        line = "yours is next" if not ahead else f"{ahead} ahead of yours"
        st.info(f"Queued, {line}: this server runs {runtime.settings().max_analyses} "
                "analyses at a time, and yours starts as soon as one finishes.",
                icon=":material/hourglass_top:")
    else:
        progress = snapshot.progress
        st.progress((progress.fraction or 0.0) if progress else 0.0,
                    text=progress_text(progress))
    if st.button("Stop", key=f"{KEY}_stop", icon=":material/stop:", disabled=job.stopping,
                 help="Stop now and keep what was analysed so far."):
        job.stop()
    if job.stopping:
        st.caption("Stopping: saving what was analysed so far…")
    latest = snapshot.progress.latest if snapshot.progress else None
    if latest is not None:
        frame = latest.plot_im
        if frame.shape[1] > 640:
            frame = np.asarray(cv2.resize(
                frame, (640, round(frame.shape[0] * 640 / frame.shape[1]))), np.uint8)
        st.image(frame, channels="BGR", width=min(640, frame.shape[1]),
                 caption=f"Live: IN {latest.in_count} · OUT {latest.out_count}")


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


def _start(state: UploadState, video: VideoSource, region: RegionInput,
           settings: AnalysisSettings) -> None:
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
    try:
        with st.spinner("Preparing the model (a new engine is converted once, which takes "
                        "a few seconds)…"):
            heatmap = settings.build_heatmap(regions, runtime.loaded_model,
                                             runtime.settings().cache_dir)
    except (ValueError, ModelLoadError) as error:
        state.start_failed(f"Cannot start: {error}. Change the settings and press Run again.")
        return
    session = runtime.current_session()
    job = AnalysisJob(video.path, heatmap, runtime.data_folders().new_run_dir(session.id),
                      runtime.analysis_queue(), stride=settings.stride,
                      save=saver_for(runtime.run_store(), settings, regions, video.label,
                                     owner=viewer.id))
    state.started(job.start())
    session.track(job)  # a closed tab stops it (its partial result is saved)
