"""The environment the tests run in is the locked one.

Invariants, checked against the real installed distributions:
- exactly one distribution provides `cv2`, opencv-python-headless: no GUI build is installed
  (they share the `cv2` folder, so whichever installs last overwrites the other), and the
  `cv2` that loads was built without a GUI (so needs no libGL) and decodes video;
- every distribution the project needs here is installed at the version a lock lists. "Needs"
  is the closure of pyproject.toml's dependencies and extras through the installed metadata,
  so a package installed or upgraded by hand under the app is noticed, while tools installed
  beside it (pip, pytest, an editor's linters) are not the locks' business. opencv-python,
  which ultralytics names, is the one need replaced on purpose (by the headless build). A
  build with a local label (torch 2.14.1+cpu from PyTorch's CPU index) counts as its version;
- the locks are compiled from the current pins, and requirements.in pins what pyproject.toml
  declares, within its ranges.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import cv2
import numpy as np
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
APP_LOCKS = ("requirements.lock", "requirements-torch.lock")
RELOCK = "re-lock: sed -n 's/^#| //p' requirements.in | bash"
INSTALL = "install from the locks (README.md, Installing)"
# Needs that the locks meet with another distribution on purpose.
REPLACED = {"opencv-python": "opencv-python-headless"}
GUI_OPENCV = ("opencv-python", "opencv-contrib-python")


def _requirement_lines(path: Path) -> Iterable[Requirement]:
    """The requirements in a pins or lock file: `name==version [; marker]`, hashes skipped."""
    for line in path.read_text().splitlines():
        line = line.split(" #")[0].strip().removesuffix("\\").strip()
        if line and not line.startswith(("#", "-")):
            yield Requirement(line)


def _pins(*names: str) -> dict[str, str]:
    """Name -> pinned version of the files' requirements that apply to this interpreter."""
    pins: dict[str, str] = {}
    for name in names:
        for req in _requirement_lines(REPO / name):
            if req.marker is None or req.marker.evaluate():
                (spec,) = req.specifier
                assert spec.operator == "==", f"{name}: {req} is not pinned exactly"
                pins[canonicalize_name(req.name)] = spec.version
    return pins


def _installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _needed_here() -> dict[str, str]:
    """Name -> who needs it, for every distribution the project needs on this interpreter."""
    project = canonicalize_name(PYPROJECT["name"])
    todo = [(Requirement(r), "pyproject.toml") for r in PYPROJECT["dependencies"]]
    for extra, reqs in PYPROJECT["optional-dependencies"].items():
        todo += [(Requirement(r), f"pyproject.toml [{extra}]") for r in reqs]
    needed: dict[str, str] = {}
    walked: set[tuple[str, frozenset[str]]] = set()
    while todo:
        req, parent = todo.pop()
        name = canonicalize_name(req.name)
        if name == project or name in REPLACED or (name, frozenset(req.extras)) in walked:
            continue
        walked.add((name, frozenset(req.extras)))
        needed.setdefault(name, parent)
        if _installed_version(name) is None:
            continue
        extras = ("", *req.extras)
        for line in metadata.requires(name) or []:
            sub = Requirement(line)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append((sub, name))
    return needed


def _same_version(installed: str, locked: str) -> bool:
    return Version(installed).public == Version(locked).public


def test_exactly_one_distribution_provides_cv2_and_it_is_the_headless_build():
    providers = metadata.packages_distributions().get("cv2", [])
    assert [canonicalize_name(p) for p in providers] == ["opencv-python-headless"], (
        f"cv2 is provided by {providers}: {INSTALL}")
    gui = [name for name in GUI_OPENCV if _installed_version(name) is not None]
    assert not gui, f"{gui} installed beside the headless build: pip uninstall both, then {INSTALL}"


def test_the_cv2_that_loads_has_no_gui_and_decodes_video(tmp_path):
    info = cv2.getBuildInformation()
    gui = info.split("GUI:", 1)[1].split("\n", 1)[0].strip()
    assert gui == "NONE", f"the cv2 that loads was built with a GUI ({gui}): {INSTALL}"

    path = tmp_path / "frames.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    assert writer.isOpened()
    for level in (40, 120, 200):
        writer.write(np.full((48, 64, 3), level, np.uint8))
    writer.release()
    capture = cv2.VideoCapture(str(path))
    frames = []
    while (frame := capture.read()[1]) is not None:
        frames.append(frame)
    capture.release()
    assert [f.shape for f in frames] == [(48, 64, 3)] * 3
    assert np.allclose([f.mean() for f in frames], [40, 120, 200], atol=3)  # JPEG is lossy


def test_every_package_the_app_needs_is_installed_at_its_locked_version():
    locked = _pins(*APP_LOCKS)
    problems = []
    for name, parent in sorted(_needed_here().items()):
        installed = _installed_version(name)
        if installed is None:
            problems.append(f"{name} (needed by {parent}) is not installed: {INSTALL}")
        elif name not in locked:
            problems.append(f"{name}=={installed} (needed by {parent}) is in no lock: add it "
                            f"to requirements.in, then {RELOCK}")
        elif not _same_version(installed, locked[name]):
            problems.append(f"{name}=={installed} is installed but the lock says "
                            f"{locked[name]}: {INSTALL}")
    assert not problems, "\n".join(problems)


def test_the_locks_list_nothing_the_app_does_not_need():
    unneeded = set(_pins(*APP_LOCKS)) - set(_needed_here())
    assert not unneeded, f"the locks list {sorted(unneeded)}, which nothing needs: {RELOCK}"


def test_the_locks_are_compiled_from_the_current_pins():
    for pins_file, locks in (("requirements.in", APP_LOCKS),
                             ("requirements-test.txt", ("requirements-test.lock",))):
        pinned, locked = _pins(pins_file), _pins(*locks)
        stale = {n: v for n, v in pinned.items() if locked.get(n) != v}
        assert not stale, f"{pins_file} pins {stale}, which {locks} do not: {RELOCK}"
    for lock in (*APP_LOCKS, "requirements-test.lock"):
        names = {canonicalize_name(r.name) for r in _requirement_lines(REPO / lock)}
        assert not names & set(REPLACED), f"{lock} lists {names & set(REPLACED)}: {RELOCK}"


def test_requirements_in_pins_what_pyproject_declares_within_its_ranges():
    pinned = _pins("requirements.in")
    declared = [Requirement(r) for r in PYPROJECT["dependencies"]]
    for reqs in PYPROJECT["optional-dependencies"].values():
        declared += [Requirement(r) for r in reqs]
    project = canonicalize_name(PYPROJECT["name"])
    for req in declared:
        name = canonicalize_name(req.name)
        if name != project:
            assert name in pinned, (
                f"pyproject.toml declares {req} but requirements.in pins no {name}")
            assert req.specifier.contains(pinned[name]), (
                f"requirements.in pins {name}=={pinned[name]}, outside pyproject.toml's {req}")
