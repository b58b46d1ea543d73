"""Analyse a video: upload one (or try the sample), draw a region, run, see the result.

A thin driver: the sidebar gives the settings, the core does the work in a background
job held in `st.session_state`, and the result is read back from its output folder.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import streamlit as st

from components.analysis_job import AnalysisJob
from components.analysis_queue import max_analyses, queue_from_env
from components.models import heatmap_model
from components.plain_text import plain
from components.region_editor import region_editor
from components.result_view import show_result
from components.run_saving import saved_run_notice, upload_saver
from components.runs_store import shared_run_store
from components.session_files import current_session
from components.settings import AnalysisSettings, sidebar_settings
from components.storage import new_run_dir, session_dir
from components.video_source import (
    VIDEO_TYPES,
    VideoSource,
    open_source,
    sample_video,
    save_upload,
)
from heatmap_core import Heatmap, ModelLoadError, Progress, Region, VideoError

KEY = "upload"
_TYPES_TEXT = "MP4, AVI, MOV, MKV or WebM"

analysis_queue = st.cache_resource(queue_from_env)  # one line of analyses per server process


def main() -> None:
    state = st.session_state
    current_session()  # this tab's files: removed when the session ends
    for name in ("upload_video", "upload_file_id", "upload_video_error", "upload_job",
                 "upload_result", "upload_notice", "upload_saved", "upload_save_error"):
        state.setdefault(name, None)

    st.title("Video heatmap")
    st.write("See where people and things move in a video from a fixed camera, and count "
             "them crossing a line or entering a zone.")
    settings = sidebar_settings(KEY)
    _collect_finished_job()
    busy = state.upload_job is not None

    if settings.model is not None:
        st.info(f"**Model: {settings.model.label}.** {settings.model.reason}",
                icon=":material/memory:")
    else:
        st.error(f"No model can run: {settings.model_error} See the sidebar.")

    st.subheader("1. Video")
    video = _pick_video(disabled=busy)
    if video is None:
        return

    st.subheader("2. Counting region")
    st.caption(plain(video.description))  # a file name is shown as typed, never as Markdown
    region = region_editor(video.first_frame, key=f"{KEY}_region_{video.id}")

    st.subheader("3. Run")
    problems = ([] if settings.model else ["choose a model that loads (see the sidebar)"]) + (
        ["fix the region"] if region.error else [])
    if st.button("Run", type="primary", icon=":material/play_arrow:", key=f"{KEY}_run",
                 disabled=busy or bool(problems),
                 help="Analyse the whole video with these settings.") and not busy:
        _start(video, region.region, settings)
        st.rerun()  # redraw the page as busy: Run and the uploader disabled
    if problems:
        st.caption(f"To run, {' and '.join(problems)}.")
    if state.upload_notice:
        st.error(state.upload_notice)
    if state.upload_job is not None:
        _progress_panel()
    elif state.upload_result is not None:
        st.subheader("4. Result")
        saved_run_notice(state.upload_saved, state.upload_save_error, key=f"{KEY}_run")
        show_result(state.upload_result, key=f"{KEY}_result_{state.upload_result.name}")


def _pick_video(disabled: bool) -> VideoSource | None:
    state = st.session_state
    max_mb = st.get_option("server.maxUploadSize")
    upload_col, sample_col = st.columns([3, 1], vertical_alignment="center")
    uploaded = upload_col.file_uploader(
        f"Upload a video ({_TYPES_TEXT}, up to {max_mb} MB)", type=list(VIDEO_TYPES),
        key=f"{KEY}_file", disabled=disabled,
        help=f"{_TYPES_TEXT}, at most {max_mb} MB. A fixed camera (CCTV, a tripod) works "
             "best: the motion detector needs a still background.")
    sample_clicked = sample_col.button(
        "Try the sample video", key=f"{KEY}_sample", icon=":material/movie:",
        disabled=disabled, width="stretch",
        help="No video at hand? Analyse a sample: real pedestrian footage when this server "
             "has it, else a rendered street scene.")

    if uploaded is not None and uploaded.file_id != state.upload_file_id:
        state.upload_file_id = uploaded.file_id
        _forget_video()
        folder = session_dir(state.session_id) / "upload"
        _use_video(save_upload(uploaded, uploaded.name, folder), uploaded.name)
    elif uploaded is None and state.upload_file_id is not None:
        state.upload_file_id = None  # the user removed their file
        if state.upload_video is not None and not state.upload_video.sample:
            _forget_video()
    if sample_clicked:
        _forget_video()
        sample = sample_video()
        _use_video(sample.path, sample.label, sample=True)

    if state.upload_video_error:
        st.error(state.upload_video_error)
    if state.upload_video is None and not state.upload_video_error:
        st.caption("Upload a video, or press **Try the sample video**.")
    return state.upload_video


def _use_video(path: Path, label: str, sample: bool = False) -> None:
    try:
        st.session_state.upload_video = open_source(path, label, sample=sample)
    except VideoError as error:
        if not sample:
            path.unlink(missing_ok=True)
        message = str(error).replace(str(path), label)  # never show server paths
        st.session_state.upload_video_error = (
            f"**{plain(label)}** cannot be analysed: {plain(message)}. Upload a video file ({_TYPES_TEXT}), "
            "or press Try the sample video.")


def _forget_video() -> None:
    """Drop the current video, its result and messages; delete an uploaded copy."""
    state = st.session_state
    video: VideoSource | None = state.upload_video
    if video is not None and not video.sample:
        video.path.unlink(missing_ok=True)
    state.upload_video = state.upload_video_error = state.upload_result = None
    state.upload_notice = state.upload_saved = state.upload_save_error = None


def _start(video: VideoSource, region: Region | None, settings: AnalysisSettings) -> None:
    state = st.session_state
    state.upload_result = state.upload_notice = None
    state.upload_saved = state.upload_save_error = None
    assert settings.model is not None
    try:
        with st.spinner("Preparing the model (a new engine is converted once, which takes "
                        "a few seconds)…"):
            heatmap = Heatmap(model=heatmap_model(settings.model), region=region,
                              **settings.heatmap_options())
    except (ValueError, ModelLoadError) as error:
        state.upload_notice = f"Cannot start: {error}. Change the settings and press Run again."
        return
    heatmap.model_name = settings.model.name  # not the prototype's type name
    save = upload_saver(shared_run_store(), settings, [region] if region else [], video.label)
    job = AnalysisJob(video.path, heatmap, new_run_dir(state.session_id), analysis_queue(),
                      stride=settings.stride, save=save)
    state.upload_job = job.start()
    current_session().track(job)  # a closed tab stops it (its partial result is saved)


def _collect_finished_job() -> None:
    """Turn a job that has ended into a result (or an error) for this page run."""
    state = st.session_state
    job: AnalysisJob | None = state.upload_job
    if job is None:
        return
    snapshot = job.snapshot()
    if snapshot.active:
        return
    state.upload_job = None
    if snapshot.status == "finished":
        state.upload_result = job.output_dir
        state.upload_saved, state.upload_save_error = snapshot.saved, snapshot.save_error
    elif snapshot.status == "failed":
        state.upload_notice = (f"The analysis failed: {snapshot.error}. Check that the video "
                               "plays, or try another one, then press Run again.")


@st.fragment(run_every=0.5)
def _progress_panel() -> None:
    job: AnalysisJob | None = st.session_state.upload_job
    if job is None:
        return
    snapshot = job.snapshot()
    if not snapshot.active:
        st.rerun()  # the whole page shows the result
    if snapshot.status == "queued":
        ahead = snapshot.ahead
        line = "yours is next" if not ahead else f"{ahead} ahead of yours"
        st.info(f"Queued, {line}: this server runs {max_analyses()} analyses at a time, and "
                "yours starts as soon as one finishes.", icon=":material/hourglass_top:")
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
            frame = cv2.resize(frame, (640, round(frame.shape[0] * 640 / frame.shape[1])))
        st.image(frame, channels="BGR", width=min(640, frame.shape[1]),
                 caption=f"Live: IN {latest.in_count} · OUT {latest.out_count}")


def progress_text(progress: Progress | None) -> str:
    """'Frame 120 of 795 · 131 frames/s · 0:05 left'."""
    if progress is None:
        return "Starting…"
    done = (f"Frame {progress.frames_done} of {progress.frames_total}"
            if progress.frames_total else f"Frame {progress.frames_done}")
    eta = progress.eta_s
    left = f" · {int(eta // 60)}:{int(eta % 60):02d} left" if eta is not None else ""
    return f"{done} · {progress.fps:.0f} frames/s{left}"


main()
