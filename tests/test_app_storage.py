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


def test_each_run_gets_a_new_empty_folder_inside_its_session(tmp_path: Path) -> None:
    folders = storage.DataFolders(tmp_path)
    session = storage.new_session_id()
    first, second = folders.new_run_dir(session), folders.new_run_dir(session)
    assert first != second
    assert first.parent == second.parent == tmp_path / "sessions" / session / "runs"
    assert list(first.iterdir()) == []
    assert folders.upload_folder(session) == tmp_path / "sessions" / session / "upload"


@pytest.mark.parametrize("session_id", ["../../etc", "", "A" * 32, "0" * 31])
def test_a_session_id_that_is_not_ours_is_refused(tmp_path: Path, session_id: str) -> None:
    with pytest.raises(ValueError, match="not a session id"):
        storage.DataFolders(tmp_path).session(session_id)


def test_saving_a_file_leaves_no_partial_copy_behind(tmp_path: Path) -> None:
    saved = storage.save_file(io.BytesIO(b"x" * 3_000_000), tmp_path / "sub" / "clip.mp4")
    assert saved.read_bytes() == b"x" * 3_000_000
    assert [p.name for p in saved.parent.iterdir()] == ["clip.mp4"]
