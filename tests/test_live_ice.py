"""ICE servers for the live page: none by default, from the environment or secrets."""

from __future__ import annotations

import json

import pytest

from dashboard.live.ice import (
    ENV_VAR,
    EXAMPLE_JSON,
    EXAMPLE_TOML,
    IceConfig,
    ice_config,
    parse_ice_servers,
)

STUN = {"urls": ["stun:stun.example.org:3478"]}
TURN = {"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}


def test_by_default_there_are_no_servers_so_localhost_needs_no_network() -> None:
    config = ice_config({}, {})
    assert config == IceConfig()
    assert config.rtc_configuration() == {"iceServers": []}  # [] and not None: no
    # fetching of servers from the internet by streamlit-webrtc


def test_the_environment_variable_is_a_json_list_and_wins_over_secrets() -> None:
    config = ice_config({ENV_VAR: json.dumps([STUN, TURN])}, {"ice_servers": [STUN]})
    assert config.source == ENV_VAR and config.error is None
    assert config.rtc_configuration() == {"iceServers": [STUN, TURN]}


def test_secrets_toml_is_used_when_the_variable_is_not_set() -> None:
    config = ice_config({ENV_VAR: "  "}, {"ice_servers": [{"urls": "stun:s.example.org"}]})
    assert config.source == "secrets.toml"
    assert config.servers == ({"urls": ["stun:s.example.org"]},)


def test_urls_are_shown_without_credentials() -> None:
    config = ice_config({ENV_VAR: json.dumps([STUN, TURN])}, {})
    assert config.urls == ["stun:stun.example.org:3478", "turn:turn.example.org:3478"]


@pytest.mark.parametrize(("value", "message"), [
    ("[{'urls': 'stun:x'}]", "not valid JSON"),
    ('{"urls": "stun:x"}', "expected a list"),
    ('["stun:x"]', 'must be an object with "urls"'),
    ('[{"url": "stun:x"}]', '"urls" must be a URL'),
    ('[{"urls": ["http://x"]}]', '"urls" must be a URL'),
    ('[{"urls": "turn:x:3478"}]', 'needs "username" and "credential"'),
    ('[{"urls": "turn:x", "username": "u", "credential": 5}]', '"credential" must be text'),
])
def test_a_bad_setting_is_refused_with_what_to_fix(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ice_servers(value)
    config = ice_config({ENV_VAR: value}, {})
    assert config.servers == () and message in (config.error or "")
    assert config.error.startswith(ENV_VAR)


def test_the_examples_on_the_page_are_valid() -> None:
    import tomllib

    from_json = parse_ice_servers(EXAMPLE_JSON)
    assert from_json == parse_ice_servers(tomllib.loads(EXAMPLE_TOML)["ice_servers"])
    assert [url for s in from_json for url in s["urls"]] == [
        "stun:stun.example.org:3478", "turn:turn.example.org:3478"]
