"""RunRecord: what the store hands out about a saved run (never a database row)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

__all__ = ["RunKind", "RunRecord", "RunStatus"]

RunKind = Literal["upload", "live"]
RunStatus = Literal["complete", "partial"]


@dataclass(frozen=True)
class RunRecord:
    """One saved run. `settings` and `summary` are this record's own copies (JSON
    values: tuples came back as lists); `thumbnail` is a small JPEG of the heatmap.
    `name` and `source` are data as the user gave them, never paths."""

    id: str
    name: str
    created: datetime  # aware, UTC
    source: str
    kind: RunKind
    status: RunStatus
    settings: dict[str, Any]
    summary: dict[str, Any] = field(repr=False)
    in_count: int
    out_count: int
    total_tracks: int
    files: tuple[str, ...]  # the names `RunStore.file_path` serves
    thumbnail: bytes = field(repr=False)
    owner: str | None = None  # who made it when signed in; None: made without sign-in

    @property
    def partial(self) -> bool:
        """True when the analysis was stopped or its video ended early."""
        return self.status == "partial"
