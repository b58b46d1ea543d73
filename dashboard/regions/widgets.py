"""The region editor: the video's frame to click on, the points to type, Undo, Clear
and the IN direction. Reads and draws through `dashboard.regions.editor`."""

from __future__ import annotations

from functools import partial

import cv2
import numpy as np
import numpy.typing as npt
import streamlit as st
from streamlit_image_coordinates import streamlit_image_coordinates

from dashboard.regions.editor import (
    IN_DIRECTIONS,
    SHAPES,
    RegionInput,
    add_point,
    clicked_pixel,
    default_points,
    draw_region,
    read_region,
    undo_point,
)

__all__ = ["region_editor", "region_now"]

_PREVIEW_WIDTH = 960  # wider frames are shrunk for the page; points stay in frame pixels


def region_editor(frame: npt.NDArray[np.uint8], key: str, disabled: bool = False) -> RegionInput:
    """Draw the editor for a BGR frame; widget keys start with `key` (one per video).
    `disabled` (while a run uses the region) shows it without letting it change."""
    height, width = frame.shape[:2]
    text_key, click_key, shape_key = f"{key}_points", f"{key}_click", f"{key}_shape"
    direction_key = f"{key}_direction"
    # Streamlit forgets a widget's value while its page is not shown: a copy under a
    # key of our own brings the region back after a visit to another page.
    kept: dict[str, str] = st.session_state.setdefault(f"{key}_kept", {})
    for widget_key, value in kept.items():
        if widget_key not in st.session_state:
            st.session_state[widget_key] = value
    if text_key not in st.session_state:
        st.session_state[text_key] = default_points(width, height)

    image_col, controls_col = st.columns([3, 2], gap="medium")
    with controls_col:
        shape = st.radio(  # read back from session state by the click handler
            "Clicks draw a", SHAPES, horizontal=True, key=shape_key, disabled=disabled,
            help="Line: two clicks make a counting line (a third click starts a new one). "
                 "Zone: each click adds a corner of a polygon; objects inside are counted "
                 "as inside, entering as IN and leaving as OUT.")
        st.text_input(
            "Points (x, y in frame pixels)", key=text_key, disabled=disabled,
            help=f"Two points make a line, three or more a zone. The frame is {width}x"
                 f"{height} pixels, (0, 0) at the top left. Example: "
                 f"{default_points(width, height)}")
        undo_col, clear_col = st.columns(2)
        undo_col.button("Undo last point", key=f"{key}_undo", on_click=_undo,
                        args=(text_key,), width="stretch", disabled=disabled)
        clear_col.button("Clear", key=f"{key}_clear", on_click=_set, args=(text_key, ""),
                         width="stretch", disabled=disabled)
        in_direction = st.selectbox(
            "IN direction", IN_DIRECTIONS, key=direction_key, disabled=disabled,
            help="Which way of crossing counts as IN (the arrow on the frame). Auto: "
                 "moving down across a mostly horizontal line, or right across a mostly "
                 "vertical one.")
    kept.update({text_key: st.session_state[text_key], shape_key: str(shape),
                 direction_key: str(in_direction)})
    # A selectbox with options and no placeholder always has a value.
    result = read_region(st.session_state[text_key], str(in_direction), width, height,
                         str(shape))
    with image_col:
        preview = draw_region(frame, st.session_state[text_key], result.region)
        scale = min(1.0, _PREVIEW_WIDTH / width)
        if scale < 1:
            preview = np.asarray(cv2.resize(
                preview, (round(width * scale), round(height * scale)),
                interpolation=cv2.INTER_AREA), np.uint8)
        if disabled:
            st.image(preview, channels="BGR", width="stretch")
            st.caption("The region is fixed while the analysis runs.")
        else:
            streamlit_image_coordinates(
                preview[:, :, ::-1], key=click_key, width="stretch", image_format="JPEG",
                jpeg_quality=90, cursor="crosshair",
                on_click=partial(_add_clicked_point, click_key, text_key, shape_key, width,
                                 height))
            st.caption("Click on the frame to place points.")
    if result.error:
        st.error(result.error)
    elif result.hint:
        st.info(result.hint)
    return result


def region_now(frame: npt.NDArray[np.uint8], key: str) -> RegionInput:
    """The region the editor `key` holds now, from its widgets' values in the session.
    For a button's callback: it runs before the page is drawn again, with the arguments
    of the drawing its button came from, which may predate points typed just before
    the click (type, press Enter, press Run at once: that run would count the old
    region)."""
    height, width = frame.shape[:2]
    state = st.session_state
    return read_region(str(state.get(f"{key}_points", default_points(width, height))),
                       str(state.get(f"{key}_direction", IN_DIRECTIONS[0])), width, height,
                       str(state.get(f"{key}_shape", SHAPES[0])))


def _add_clicked_point(click_key: str, text_key: str, shape_key: str, width: int,
                       height: int) -> None:
    point = clicked_pixel(st.session_state.get(click_key), width, height)
    if point is not None:
        st.session_state[text_key] = add_point(st.session_state.get(text_key, ""), point,
                                               st.session_state.get(shape_key, SHAPES[0]))


def _undo(text_key: str) -> None:
    st.session_state[text_key] = undo_point(st.session_state.get(text_key, ""))


def _set(text_key: str, value: str) -> None:
    st.session_state[text_key] = value
