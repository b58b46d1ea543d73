"""A run's shareable address, and the control that copies it.

A run's dashboard opens at `<app>/?run=<id>` in any browser: the id is the only thing
the link carries, and it is unguessable (see `run_store.ids`).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

import streamlit as st

RUN_PAGE = "app_pages/run.py"
RUNS_PAGE = "app_pages/runs.py"
COMPARE_PAGE = "app_pages/compare.py"
RUN_PARAM = "run"
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def run_link(run_id: str, page_url: str | None, base_path: str = "") -> str:
    """The address of the run's dashboard: the browser's scheme and host, the server's
    base path (`server.baseUrlPath`) and `/?run=<id>`. Without the browser's address
    (an AppTest, say) it is a link from the server's root.

        >>> run_link("abc", "https://cams.example.org/runs?x=1", "heat")
        'https://cams.example.org/heat/?run=abc'
    """
    parts = urlsplit(page_url or "")
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    base = base_path.strip("/")
    return f"{origin}{'/' + base if base else ''}/?{urlencode({RUN_PARAM: run_id})}"


def current_run_link(run_id: str) -> str:
    """The run's address as the person looking at this page reaches the server."""
    return run_link(run_id, st.context.url, str(st.get_option("server.baseUrlPath") or ""))


def copy_link(url: str) -> None:
    """The link in a box (select it, or use the box's own copy icon) and a "Copy link"
    button that puts it on the clipboard."""
    st.code(url, language=None, wrap_lines=True)
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
