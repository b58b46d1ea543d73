"""The app's settings: read once from the environment, each value checked, a bad one
named with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.config import Settings, SettingsError


def test_defaults_need_no_environment(tmp_path: Path) -> None:
    settings = Settings.from_environ({}, cwd=tmp_path)
    assert settings.data_dir == tmp_path / "data"  # beside where the app is started
    assert (settings.database_url, settings.max_analyses, settings.sample_video) == (
        None, 2, None)
    assert (settings.abandon_s, settings.session_ttl_h) == (60.0, 24.0)
    assert settings.ice.servers == () and settings.ice.error is None
    assert settings.cache_dir == Path.home() / ".cache" / "heatmap_core"


def test_every_variable_is_read(tmp_path: Path) -> None:
    video = tmp_path / "street.mp4"
    video.write_bytes(b"")
    settings = Settings.from_environ({
        "HEATMAP_DATA_DIR": "relative/data", "DATABASE_URL": "postgresql://db/runs",
        "HEATMAP_MAX_ANALYSES": "4", "HEATMAP_SAMPLE_VIDEO": str(video),
        "HEATMAP_CACHE_DIR": str(tmp_path / "cache"), "HEATMAP_ABANDON_S": "5",
        "HEATMAP_SESSION_TTL_H": "0.5",
        "HEATMAP_ICE_SERVERS": '[{"urls": ["stun:stun.example.org:3478"]}]'}, cwd=tmp_path)
    assert settings.data_dir == tmp_path / "relative" / "data"
    assert settings.database_url == "postgresql://db/runs"
    assert (settings.max_analyses, settings.abandon_s, settings.session_ttl_h) == (4, 5.0, 0.5)
    assert (settings.sample_video, settings.cache_dir) == (video, tmp_path / "cache")
    workers = settings.camera_workers  # what the worker tier is given
    assert (workers.upload_slots, workers.cache_dir) == (4, str(tmp_path / "cache"))
    assert settings.ice.urls == ["stun:stun.example.org:3478"]


def test_ice_servers_come_from_secrets_when_the_environment_has_none(tmp_path: Path) -> None:
    settings = Settings.from_environ(
        {}, {"ice_servers": [{"urls": "stun:stun.example.org"}]}, cwd=tmp_path)
    assert (settings.ice.source, settings.ice.urls) == ("secrets.toml",
                                                        ["stun:stun.example.org"])


@pytest.mark.parametrize(("name", "value", "says"), [
    ("HEATMAP_MAX_ANALYSES", "many", "HEATMAP_MAX_ANALYSES must be a whole number of 1 or "
                                     "more, got 'many'"),
    ("HEATMAP_MAX_ANALYSES", "0", "got '0'"),
    ("HEATMAP_MAX_ANALYSES", "2.5", "got '2.5'"),
    ("HEATMAP_ABANDON_S", "-1", "HEATMAP_ABANDON_S must be a number above 0, got '-1'"),
    ("HEATMAP_SESSION_TTL_H", "nan", "HEATMAP_SESSION_TTL_H must be a number above 0"),
    ("HEATMAP_SAMPLE_VIDEO", "/nowhere/street.mp4", "HEATMAP_SAMPLE_VIDEO: there is no file "
                                                    "at /nowhere/street.mp4"),
])
def test_a_bad_value_is_refused_naming_the_variable_and_the_fix(
        tmp_path: Path, name: str, value: str, says: str) -> None:
    with pytest.raises(SettingsError, match=r"unset it|Point it") as error:
        Settings.from_environ({name: value}, cwd=tmp_path)
    assert says in str(error.value)


def test_the_app_shows_a_bad_setting_and_starts_no_page(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HEATMAP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HEATMAP_MAX_ANALYSES", "lots")
    at = AppTest.from_file(str(Path(__file__).parent.parent / "app.py")).run()
    assert not at.exception
    (error,) = at.error
    assert "HEATMAP_MAX_ANALYSES must be a whole number" in error.value
    assert not at.title  # no page ran


def test_sign_in_admins_and_limits_per_person(tmp_path: Path) -> None:
    plain = Settings.from_environ({}, cwd=tmp_path)
    assert (plain.sign_in, plain.admins) == (False, frozenset())
    assert (plain.user_limits.runs, plain.user_limits.storage_mb,
            plain.user_limits.cameras) == (None, None, None)
    auth = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                     "cookie_secret": "x" * 32, "client_id": "app"}}
    settings = Settings.from_environ({
        "HEATMAP_ADMINS": " Root@Example.org, ops@example.org ,",
        "HEATMAP_USER_MAX_RUNS": "20", "HEATMAP_USER_MAX_STORAGE_MB": "512.5",
        "HEATMAP_USER_MAX_CAMERAS": "2"}, auth, cwd=tmp_path)
    assert settings.sign_in
    assert settings.admins == {"root@example.org", "ops@example.org"}
    assert (settings.user_limits.runs, settings.user_limits.storage_mb,
            settings.user_limits.cameras) == (20, 512.5, 2)


@pytest.mark.parametrize(("environ", "secrets", "named"), [
    ({"HEATMAP_USER_MAX_RUNS": "0"}, {}, "HEATMAP_USER_MAX_RUNS"),
    ({"HEATMAP_USER_MAX_STORAGE_MB": "lots"}, {}, "HEATMAP_USER_MAX_STORAGE_MB"),
    ({}, {"auth": {"client_id": "app"}}, "redirect_uri, cookie_secret"),
])
def test_bad_sign_in_settings_are_named(tmp_path: Path, environ: dict, secrets: dict,
                                        named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_environ(environ, secrets, cwd=tmp_path)
