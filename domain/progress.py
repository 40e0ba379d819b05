"""Progress bars for long CLI work, on stderr only, so a command's stdout stays clean for scripts.

By default a bar shows only when stderr is a terminal; ``mandi --progress`` forces it (a log
file, CI) and ``--no-progress`` turns it off. Long-running functions take an optional
``progress`` callback (items done since the last call) and know nothing of the bar.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from tqdm import tqdm

Progress = Callable[[int], object]

# None: only when stderr is a terminal (tqdm's own check); True: always; False: never.
_show: bool | None = None


def configure(show: bool | None) -> None:
    global _show
    _show = show


def bar(*, total: int | None, desc: str, unit: str, **options: Any) -> tqdm:
    """A bar on stderr; use as a context manager and pass ``bar.update`` as the callback."""
    disable = None if _show is None else not _show
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=sys.stderr,
        disable=disable,
        dynamic_ncols=True,
        **options,
    )


def with_total(bar: tqdm) -> Callable[[int, int], None]:
    """A ``(done, total)`` callback for work that learns its total as it goes."""

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.update(done)

    return update
