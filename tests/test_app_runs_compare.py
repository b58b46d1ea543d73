"""Comparing two saved runs: the page puts their cards and heatmaps side by side, and
the figures put their heat on one colour scale and their counts on shared axes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.common.charts import COLORS, cumulative_counts, increments_of_series
from dashboard.runs.compare_charts import (
    ComparedRun,
    counts_comparison_figure,
    heat_comparison_figure,
    shrink_heat,
)
from run_store import RunStore
from tests.saved_runs import SETTINGS, analysed, live_session, street_video

APP = Path(__file__).resolve().parent.parent / "app.py"


def series(*bins: tuple[float, int, int]) -> list[dict]:
    """Store series rows from (start_s, in, out)."""
    return [{"start_s": s, "in": i, "out": o, "inside": 0, "tracks": i + o} for s, i, o in bins]


def run(label: str, heat: np.ndarray | None = None, duration_s: float = 3.0,
        rows: list[dict] | None = None) -> ComparedRun:
    return ComparedRun(label, duration_s, rows if rows is not None else series(
        (0.0, 1, 0), (1.0, 0, 2), (2.0, 1, 0)),
        heat if heat is not None else np.zeros((36, 48), np.float32))


# --- Counts on shared axes ------------------------------------------------------------

def test_cumulative_counts_add_up_bin_by_bin_from_zero() -> None:
    rows = series((0.0, 1, 0), (1.0, 0, 2), (2.0, 1, 0))
    table = cumulative_counts(increments_of_series(rows), 3.5)
    assert table.to_dict("list") == {"time_s": [0.0, 0.0, 1.0, 2.0, 3.5],
                                     "IN": [0, 1, 1, 2, 2], "OUT": [0, 0, 2, 2, 2]}


def test_a_run_without_bins_counts_nothing() -> None:
    assert cumulative_counts([], 0.0).to_dict("list") == {
        "time_s": [0.0, 0.0], "IN": [0, 0], "OUT": [0, 0]}


def test_both_runs_share_one_time_axis_and_one_count_axis() -> None:
    figure = counts_comparison_figure([
        run("A: Monday"),
        run("B: Tuesday", duration_s=5.0, rows=series((0.0, 0, 0), (2.5, 4, 1)))])
    assert [t.name for t in figure.data] == ["A: Monday · IN", "A: Monday · OUT",
                                             "B: Tuesday · IN", "B: Tuesday · OUT"]
    assert {(t.xaxis, t.yaxis) for t in figure.data} == {(None, None)}  # the one pair of axes
    assert list(figure.data[2].y) == [0, 0, 4, 4]
    assert list(figure.data[2].x) == [0.0, 0.0, 2.5, 5.0]
    assert {t.line.shape for t in figure.data} == {"hv"}
    assert [t.line.dash for t in figure.data] == ["solid", "solid", "dash", "dash"]
    assert [t.line.color for t in figure.data] == [COLORS["IN"], COLORS["OUT"]] * 2


# --- Heat on one colour scale ---------------------------------------------------------

def test_heat_shares_one_colour_scale_up_to_the_hotter_runs_peak() -> None:
    quiet = np.zeros((36, 48), np.float32)
    quiet[10, 10] = 2.0
    busy = np.zeros((36, 48), np.float32)
    busy[20, 30] = 8.0
    figure = heat_comparison_figure([run("A: quiet", quiet), run("B: busy", busy)])
    assert [t.coloraxis for t in figure.data] == ["coloraxis", "coloraxis"]
    assert (figure.layout.coloraxis.cmin, figure.layout.coloraxis.cmax) == (0.0, 8.0)
    assert [a.text for a in figure.layout.annotations] == ["A: quiet", "B: busy"]
    assert figure.layout.yaxis.autorange == "reversed"  # row 0 at the top, as in the frame


def test_the_colour_scale_avoids_streamlits_placeholder_colours() -> None:
    scale = heat_comparison_figure([run("A"), run("B")]).layout.coloraxis.colorscale
    placeholders = {f"#0000{n:02d}" for n in range(1, 41)}
    assert not {color.lower() for _, color in scale} & placeholders


def test_cold_runs_still_get_a_usable_scale() -> None:
    figure = heat_comparison_figure([run("A"), run("B")])
    assert figure.layout.coloraxis.cmax == 1.0


@pytest.mark.parametrize(("shape", "expected"), [
    ((360, 480), (180, 240)), ((1080, 1920), (135, 240)), ((100, 200), (100, 200)),
    ((7, 481), (3, 161)),  # a partial last block averages what it has
])
def test_large_heat_is_averaged_down_to_at_most_240_cells_across(
        shape: tuple[int, int], expected: tuple[int, int]) -> None:
    heat = np.ones(shape, np.float32)
    small = shrink_heat(heat)
    assert small.shape == expected and small.dtype == np.float32
    np.testing.assert_allclose(small, 1.0)  # still object-seconds per pixel


def test_averaging_keeps_the_total_heat_of_whole_blocks() -> None:
    heat = np.arange(16, dtype=np.float32).reshape(4, 4)
    assert shrink_heat(heat, max_width=2).tolist() == [[2.5, 4.5], [10.5, 12.5]]


# --- The page -------------------------------------------------------------------------

@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
          tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Two saved runs, an upload and a live session, in the app's store."""
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    root = tmp_path_factory.mktemp("analyses")
    store = RunStore(None, tmp_path)
    upload = store.save_run(analysed(street_video(root), root / "upload"),
                            name="Main entrance", settings=SETTINGS)
    live = store.save_run(live_session(root / "live"), name="Lobby webcam",
                          settings=SETTINGS, kind="live")
    return {"upload": upload.id, "live": live.id}


def open_compare(**params: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page("app_pages/compare.py").run()
    assert not at.exception
    return at


def test_the_two_runs_of_the_address_are_side_by_side(saved: dict[str, str]) -> None:
    at = open_compare(a=saved["upload"], b=saved["live"])
    assert [s.value for s in at.subheader] == ["A: Main entrance", "B: Lobby webcam"]
    assert [m.label for m in at.metric] == ["In", "Out", "Inside now", "Tracks"] * 2
    assert [int(m.value) for m in at.metric][::4] == [1, 1]  # both counted one IN
    assert len(at.get("image")) == 2
    assert len(at.get("plotly_chart")) == 2
    assert not at.warning


def test_without_an_address_it_compares_the_two_newest(saved: dict[str, str]) -> None:
    at = open_compare()
    assert [s.value for s in at.subheader] == ["A: Lobby webcam", "B: Main entrance"]
    assert dict(at.query_params) == {"a": saved["live"], "b": saved["upload"]}


def test_choosing_another_run_updates_the_address(saved: dict[str, str]) -> None:
    at = open_compare(a=saved["upload"], b=saved["live"])
    at.selectbox(key="compare_b").set_value(saved["upload"]).run()
    assert at.query_params["b"] == saved["upload"]
    assert at.warning[0].value == "Both sides show the same run: choose another one for Run B."


def test_an_unknown_run_in_the_address_falls_back_to_a_saved_one(
        saved: dict[str, str]) -> None:
    at = open_compare(a="not-a-run", b=saved["upload"])
    assert [s.value for s in at.subheader] == ["A: Lobby webcam", "B: Main entrance"]


def test_with_fewer_than_two_runs_it_says_what_is_needed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    at = open_compare()
    assert at.info[0].value == "Comparing needs two saved runs: analyse another video first."


def test_names_with_tags_are_shown_literally_in_titles_legends_and_hover() -> None:
    """Plotly draws '<b>x</b>' bold and '<br>' as a line break: a run's name is user
    text, so every place it reaches a figure carries it as entities, never as tags."""
    runs = [run("A: <b>x</b>"), run("B: a & b %{y}")]
    counts, heat = counts_comparison_figure(runs), heat_comparison_figure(runs)
    assert [t.name for t in counts.data][:2] == ["A: &lt;b&gt;x&lt;/b&gt; · IN",
                                                 "A: &lt;b&gt;x&lt;/b&gt; · OUT"]
    assert counts.data[2].meta == ("B: a &amp; b %{y}",)  # hover label: text, not a template
    assert "<extra>%{meta[0]}</extra>" in counts.data[0].hovertemplate
    assert [a.text for a in heat.layout.annotations] == ["A: &lt;b&gt;x&lt;/b&gt;",
                                                         "B: a &amp; b %{y}"]
    for figure in (counts, heat):
        shown = figure.to_dict()
        shown["layout"].pop("template", None)  # the theme's own markup, not ours
        assert "<b>" not in str(shown)
