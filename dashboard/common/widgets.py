"""Widgets every page shares: the count cards and a link to copy."""

from __future__ import annotations

import json
from collections.abc import Sequence

import streamlit as st

from dashboard.common.links import TOKEN_PARAM, run_link, share_link
from dashboard.common.text import CARD_HELP

__all__ = ["bring_into_view", "copy_link", "count_cards", "current_link", "current_run_link"]

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def count_cards(in_count: int, out_count: int, inside: int, tracks: int,
                extra: Sequence[tuple[str, object, str]] = (), per_row: int = 4) -> None:
    """The headline numbers (In, Out, Inside now, Tracks), then `extra` cards given as
    (label, value, help), in rows of `per_row`."""
    cards = [("In", in_count, CARD_HELP["In"]), ("Out", out_count, CARD_HELP["Out"]),
             ("Inside now", inside, CARD_HELP["Inside now"]),
             ("Tracks", tracks, CARD_HELP["Tracks"]), *extra]
    for start in range(0, len(cards), per_row):
        row = cards[start:start + per_row]
        for column, (label, value, help_text) in zip(st.columns(len(row)), row, strict=True):
            column.metric(label, value, help=help_text, border=True)  # type: ignore[arg-type]


def bring_into_view(anchor: str) -> None:
    """Scroll the page to the heading with this anchor (once, when drawn): the browser
    does it, from an invisible frame of the same origin."""
    target = json.dumps(anchor).translate(_SCRIPT_SAFE)
    st.iframe(f"""<!doctype html><html><body><script>
const heading = window.parent.document.getElementById({target});
if (heading) heading.scrollIntoView({{behavior: "smooth", block: "start"}});
</script></body></html>""", height=1)


def current_link(param: str, value: str, token: str | None = None) -> str:
    """`/?<param>=<value>` (a share link, with `&token=<token>`) as the person looking
    at this page reaches the server."""
    return share_link(param, value, st.context.url,
                      str(st.get_option("server.baseUrlPath") or ""),
                      {TOKEN_PARAM: token} if token else None)


def current_run_link(run_id: str, token: str | None = None) -> str:
    """The run's address (a share link, with `token`) as the person looking at this
    page reaches the server."""
    return run_link(run_id, st.context.url, str(st.get_option("server.baseUrlPath") or ""),
                    token)


def copy_link(url: str) -> None:
    """The link as text to select, and a "Copy link" button that puts it on the
    clipboard. Not `st.code`: its syntax highlighter is a 1.6 MB script that a browser
    opening a shared dashboard would load before the cards."""
    st.markdown(f"`{url.replace('`', '%60')}`")
    st.iframe(_copy_button_html(url), height=40, width=160)


def _copy_button_html(url: str) -> str:
    """A button that copies `url`: the Clipboard API where the page is a secure context
    (https, localhost), else the older execCommand, which also works on plain http."""
    text = json.dumps(url).translate(_SCRIPT_SAFE)  # no "</script>" can end the script
    return f"""<!doctype html><html><body style="margin:0">
<button id="copy" type="button" style="font:14px sans-serif;padding:6px 12px;
 border:1px solid #d0d0d8;border-radius:8px;background:#fff;cursor:pointer">Copy link</button>
<script>
const url = {text};
const button = document.getElementById("copy");
function fallback() {{
  const box = document.createElement("textarea");
  box.value = url; document.body.appendChild(box); box.select();
  const ok = document.execCommand("copy"); box.remove(); return ok;
}}
button.addEventListener("click", async () => {{
  let ok = false;
  try {{ await navigator.clipboard.writeText(url); ok = true; }} catch (e) {{ ok = fallback(); }}
  button.textContent = ok ? "Copied" : "Select the link to copy it";
  setTimeout(() => {{ button.textContent = "Copy link"; }}, 2000);
}});
</script></body></html>"""
