"""The detectors' domain error: a model that cannot be used, with the fix in the message."""

from __future__ import annotations

__all__ = ["ModelLoadError"]


class ModelLoadError(RuntimeError):
    """Weights that cannot be found, downloaded or loaded; the message says what to do."""
