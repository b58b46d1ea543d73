"""The app's shape, checked: a newcomer can rely on it.

- Streamlit is imported only by widget modules (`widgets.py`, `*_widgets.py`) and by
  `dashboard/runtime.py` (what the server shares); everything else in `dashboard/` is
  plain Python, testable without a page.
- The environment is read in one place, `dashboard/config.py`.
- Pages import only widgets, runtime and the shared words, and call no core code.
- Dependencies between features run through their public modules, never sideways into a
  view: no plain module imports a widget module.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "dashboard"
PAGES = REPO / "app_pages"
UI_LIBRARIES = ("streamlit", "streamlit_webrtc", "streamlit_image_coordinates")


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            submodules = {f"{node.module}.{a.name}" for a in node.names}
            # `from dashboard import runtime` imports the module dashboard.runtime
            names.update(submodules if node.module == "dashboard" else {node.module})
    return names


def reads_environment(path: Path) -> bool:
    return any(isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
               and isinstance(node.value, ast.Name) and node.value.id == "os"
               for node in ast.walk(ast.parse(path.read_text())))


def is_widgets(path: Path) -> bool:
    return path.stem == "widgets" or path.stem.endswith("_widgets")


def plain_modules() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if not is_widgets(p) and p.name != "runtime.py"]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


@pytest.mark.parametrize("path", plain_modules(), ids=module_name)
def test_plain_modules_import_no_ui_and_no_widgets(path: Path) -> None:
    names = imported(path)
    ui = sorted(n for n in names if n.split(".")[0] in UI_LIBRARIES)
    widgets = sorted(n for n in names if n.startswith("dashboard.") and (
        n.split(".")[-1] == "widgets" or n.endswith("_widgets") or n == "dashboard.runtime"))
    assert not ui, f"{module_name(path)} imports {ui}: move that code into a widgets module"
    assert not widgets, f"{module_name(path)} imports {widgets}"


def test_only_the_settings_read_the_environment() -> None:
    readers = sorted(module_name(p) for p in [*PACKAGE.rglob("*.py"), *PAGES.glob("*.py"),
                                              REPO / "app.py"]
                     if reads_environment(p))
    assert readers == ["dashboard.runtime"]  # it hands os.environ to Settings.from_environ


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.py")), ids=lambda p: p.name)
def test_pages_only_compose(page: Path) -> None:
    allowed = ("dashboard.runtime", "dashboard.common.text", "dashboard.common.links")
    for name in imported(page):
        if name.startswith("dashboard."):
            assert name in allowed or name.endswith("widgets"), f"{page.name} imports {name}"
        else:
            assert name in ("__future__", "streamlit"), f"{page.name} imports {name}"
    functions = [n for n in ast.walk(ast.parse(page.read_text()))
                 if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert not functions, f"{page.name} defines {[f.name for f in functions]}: a widget's job"


def test_importing_the_plain_modules_loads_no_ui() -> None:
    modules = [module_name(p) for p in plain_modules() if p.name != "__init__.py"]
    code = (f"import sys; [__import__(m) for m in {modules!r}]; "
            f"print(sorted(m for m in {UI_LIBRARIES!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
