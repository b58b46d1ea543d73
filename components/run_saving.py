"""Every upload analysis is kept as a saved run: what it records about how the run was
made, and the notice that says where the saved run is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from components.plain_text import plain
from components.run_links import RUN_PAGE, RUN_PARAM, copy_link, current_run_link
from components.settings import AnalysisSettings
from heatmap_core import Region
from run_store import RunRecord, RunStore
from run_store.store import MAX_NAME_LENGTH


def run_settings(settings: AnalysisSettings, regions: Sequence[Region]) -> dict[str, Any]:
    """The settings a run was made with, as plain JSON for the store."""
    return {
        "model": settings.model.name if settings.model else None,
        "classes": list(settings.classes),
        "regions": [dict(region.to_dict(), kind=region.kind) for region in regions],
        "colormap": settings.colormap, "conf": settings.conf, "iou": settings.iou,
        "tracker": settings.tracker, "decay_s": settings.decay_s,
        "opacity": settings.opacity, "stride": settings.stride, "engine": settings.engine,
    }


def run_name(label: str) -> str | None:
    """A run's name from the video's label (the file name the user gave), or None (the
    store then names it after the video) when nothing usable is left."""
    name = label.replace("\x00", "").strip()[:MAX_NAME_LENGTH]
    return name or None


def upload_saver(store: RunStore, settings: AnalysisSettings, regions: Sequence[Region],
                 label: str) -> Callable[[Path], RunRecord]:
    """What an analysis job calls on its finished folder to save it as a run."""
    return partial(store.save_run, name=run_name(label),
                   settings=run_settings(settings, regions), kind="upload")


def saved_run_notice(saved: RunRecord | None, save_error: str | None, key: str) -> None:
    """'Saved as run <name>', with Open and the link to copy; or why it was not saved."""
    if saved is None:
        if save_error:
            st.warning(f"This result could not be saved as a run ({save_error}), so it has "
                       "no link and is not in the list of saved runs. It is shown below as "
                       "long as this page stays open.", icon=":material/cloud_off:")
        return
    with st.container(border=True, key=f"{key}_saved"):
        partial_note = " (partial)" if saved.partial else ""
        text_col, open_col = st.columns([5, 1], vertical_alignment="center")
        # No icons: a browser counts each as an image (role img), and the heatmap should
        # stay the first image of the result.
        text_col.markdown(f"Saved as run **{plain(saved.name)}**{partial_note}. Anyone "
                          "with the link can open its dashboard.")
        open_col.page_link(RUN_PAGE, label="Open", query_params={RUN_PARAM: saved.id})
        copy_link(current_run_link(saved.id))
