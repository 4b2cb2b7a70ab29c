"""The progress bar of a long command (rich): what it does, a bar, done of total, time taken.

One look for every command and benchmark, and one way to hand a service its callback.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def counting(console: Console, *, remaining: bool = False, transient: bool = True) -> Progress:
    """A bar counting items; `remaining` adds the estimated time left (for long imports)."""
    columns: list[ProgressColumn] = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if remaining:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=console, transient=transient)


def tracker(progress: Progress, description: str) -> Callable[[int, int], None]:
    """A new line on the bar and the callback a service reports (done, total) to; a total of
    0 means not known yet."""
    task = progress.add_task(description, total=None)

    def report(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total or None)

    return report
