"""Which ICE (STUN/TURN) servers the live page's WebRTC connection uses.

None by default: a browser on the same machine (or network) as the server connects
directly, with no traffic leaving it. Remote users behind NAT need a STUN server, and
often a TURN server that relays the video: set `HEATMAP_ICE_SERVERS` to a JSON list,
or `ice_servers` in `.streamlit/secrets.toml` (the environment variable wins).
Streamlit-webrtc's own fallback (fetching servers from the internet) is never used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ENV_VAR", "EXAMPLE_JSON", "EXAMPLE_TOML", "SECRET_KEY", "IceConfig",
           "ice_config", "parse_ice_servers"]

ENV_VAR = "HEATMAP_ICE_SERVERS"
SECRET_KEY = "ice_servers"
_SCHEMES = ("stun:", "stuns:", "turn:", "turns:")
EXAMPLE_JSON = ('[{"urls": ["stun:stun.example.org:3478"]}, {"urls": '
                '["turn:turn.example.org:3478"], "username": "USER", "credential": "SECRET"}]')
EXAMPLE_TOML = """\
[[ice_servers]]
urls = ["stun:stun.example.org:3478"]

[[ice_servers]]
urls = ["turn:turn.example.org:3478"]
username = "USER"
credential = "SECRET"
"""


@dataclass(frozen=True)
class IceConfig:
    """The ICE servers to use, where they came from, and why a setting was refused."""

    servers: tuple[dict[str, Any], ...] = ()
    source: str | None = None  # ENV_VAR, "secrets.toml", or None for the default
    error: str | None = None

    def rtc_configuration(self) -> dict[str, Any]:
        """For `webrtc_streamer(rtc_configuration=...)`: browser and server alike."""
        return {"iceServers": [dict(server) for server in self.servers]}

    @property
    def urls(self) -> list[str]:
        """The servers' addresses, without credentials: safe to show on the page."""
        return [url for server in self.servers for url in server["urls"]]


def parse_ice_servers(value: Any) -> tuple[dict[str, Any], ...]:
    """RTCIceServer dicts from a JSON text or a list; ValueError says what is wrong."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"expected a list of servers, got {type(value).__name__}")
    return tuple(_server(item, i) for i, item in enumerate(value))


def ice_config(environ: Mapping[str, str], secrets: Mapping[str, Any]) -> IceConfig:
    """The configured servers: `environ[ENV_VAR]` if set, else `secrets[SECRET_KEY]`,
    else none. A bad setting gives no servers and an error for the page."""
    if environ.get(ENV_VAR, "").strip():
        source, value = ENV_VAR, environ[ENV_VAR]
    elif SECRET_KEY in secrets:
        source, value = "secrets.toml", secrets[SECRET_KEY]
    else:
        return IceConfig()
    try:
        return IceConfig(parse_ice_servers(value), source)
    except ValueError as error:
        return IceConfig((), source, f"{source}: {error}")


def _server(item: Any, index: int) -> dict[str, Any]:
    where = f"server {index + 1}"
    if not isinstance(item, Mapping):
        raise ValueError(f"{where} must be an object with \"urls\", got {item!r}")
    urls = item.get("urls")
    urls = [urls] if isinstance(urls, str) else urls
    if not urls or not isinstance(urls, (list, tuple)) or not all(
            isinstance(u, str) and u.startswith(_SCHEMES) for u in urls):
        raise ValueError(f"{where}: \"urls\" must be a URL or a list of URLs starting with "
                         f"{', '.join(_SCHEMES)}")
    server: dict[str, Any] = {"urls": list(urls)}
    for field in ("username", "credential"):
        if item.get(field) is not None:
            if not isinstance(item[field], str):
                raise ValueError(f"{where}: \"{field}\" must be text")
            server[field] = item[field]
    if any(u.startswith(("turn:", "turns:")) for u in urls) and not (
            "username" in server and "credential" in server):
        raise ValueError(f"{where}: a TURN server needs \"username\" and \"credential\"")
    return server
