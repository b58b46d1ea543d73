"""Camera states as the Cameras page shows them: one line each, no secret."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from workers import CameraState

AT = datetime(2026, 3, 2, 14, 5, 9, tzinfo=timezone.utc)


def state(status: str, reason: str | None = None, fps: float | None = None) -> CameraState:
    return CameraState("abcdefghijkl", "Door", "rtsp://***@cam/1", status, AT, reason, fps)  # type: ignore[arg-type]


@pytest.mark.parametrize("value, line", [
    (state("running", fps=9.94), "running (9.9 frames/s)"),
    (state("running"), "running"),
    (state("connecting"), "connecting"),
    (state("reconnecting", "the stream\nended"), "reconnecting since 14:05 (the stream ended)"),
    (state("failed", "wrong password"), "failed: wrong password"),
    (state("stopped"), "stopped"),
])
def test_each_state_is_one_line(value: CameraState, line: str) -> None:
    assert value.describe(timezone.utc) == line


def test_unknown_statuses_are_refused() -> None:
    with pytest.raises(ValueError, match="status"):
        state("sleeping")


def test_a_new_status_drops_the_rate() -> None:
    later = state("running", fps=10).with_status("reconnecting", AT, "refused")
    assert (later.status, later.fps, later.reason) == ("reconnecting", None, "refused")
