"""OpenCV colormaps by constant or by name, the way a user types them."""

from __future__ import annotations

import cv2

__all__ = ["COLORMAPS", "colormap_name", "resolve_colormap"]

#: Every OpenCV colormap, keyed by its lowercase short name ("inferno", "jet", ...).
COLORMAPS: dict[str, int] = {
    name.removeprefix("COLORMAP_").lower(): getattr(cv2, name)
    for name in sorted(dir(cv2))
    if name.startswith("COLORMAP_")
}


def resolve_colormap(colormap: int | str) -> int:
    """Return the OpenCV constant for `colormap`.

    Accepts the constant itself (`cv2.COLORMAP_INFERNO`, or its int value), or a name in
    any case: "inferno", "COLORMAP_INFERNO", "cv2.COLORMAP_INFERNO".
    """
    if isinstance(colormap, bool):
        raise ValueError(f"colormap must be a name or an OpenCV constant, not {colormap!r}; "
                         f"choose one of {', '.join(COLORMAPS)}")
    if isinstance(colormap, int):
        if colormap in COLORMAPS.values():
            return colormap
        raise ValueError(f"unknown colormap constant {colormap}; "
                         f"choose one of {', '.join(COLORMAPS)}")
    text = str(colormap).strip()
    if text.lstrip("-").isdigit():
        return resolve_colormap(int(text))
    key = text.lower().removeprefix("cv2.").removeprefix("colormap_")
    if key in COLORMAPS:
        return COLORMAPS[key]
    raise ValueError(f"unknown colormap {colormap!r}; choose one of {', '.join(COLORMAPS)}")


def colormap_name(colormap: int | str) -> str:
    """The short lowercase name of a colormap ("inferno")."""
    value = resolve_colormap(colormap)
    return next(name for name, v in COLORMAPS.items() if v == value)
