"""Where the app writes: uploaded names never become paths, runs never share a folder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from dashboard.sessions import storage


@pytest.mark.parametrize(("name", "safe"), [
    ("clip.mp4", "clip.mp4"),
    ("My Holiday (1).MOV", "My_Holiday_1_.mov"),
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\evil.avi", "evil.avi"),
    (".hidden.mkv", "hidden.mkv"),
    ("..", "video"),
    ("", "video"),
    ("vidéo été.webm", "vid_o_t_.webm"),
    ("a" * 300 + ".mp4", "a" * 96 + ".mp4"),  # 100 characters at most
])
def test_uploaded_names_become_safe_file_names(name: str, safe: str) -> None:
    assert storage.safe_filename(name) == safe


def test_the_data_dir_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    assert storage.data_dir() == tmp_path
    monkeypatch.delenv("HEATMAP_DATA_DIR")
    assert storage.data_dir() == storage.REPO_ROOT / "data"


def test_each_run_gets_a_new_empty_folder_inside_its_session(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    session = storage.new_session_id()
    first, second = storage.new_run_dir(session), storage.new_run_dir(session)
    assert first != second
    assert first.parent == second.parent == tmp_path / "sessions" / session / "runs"
    assert list(first.iterdir()) == []


def test_a_session_id_that_is_not_ours_is_refused() -> None:
    with pytest.raises(ValueError):
        storage.session_dir("../../etc")


def test_saving_a_file_leaves_no_partial_copy_behind(tmp_path: Path) -> None:
    saved = storage.save_file(io.BytesIO(b"x" * 3_000_000), tmp_path / "sub" / "clip.mp4")
    assert saved.read_bytes() == b"x" * 3_000_000
    assert [p.name for p in saved.parent.iterdir()] == ["clip.mp4"]
