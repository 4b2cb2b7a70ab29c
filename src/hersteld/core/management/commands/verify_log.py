"""`hersteld verify-log`: check the hash chains of the audit and access logs."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import Progress

from hersteld.core import chain


class Command(BaseCommand):
    help = (
        "Check that no audit or access event was changed, removed or reordered since it was "
        "sealed: exit 0 when every chain holds, else name the first broken link and exit 1."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout), width=100)
        broken: list[str] = []
        with Progress(console=console, transient=True) as progress:
            for model in chain.CHAINED:
                total = model.objects.filter(seal_seq__isnull=False).count()
                task = progress.add_task(f"{model._meta.verbose_name_plural}", total=total)
                advance: Callable[[int], None] = partial(progress.advance, task)
                checked, first = chain.check(model, advance)
                label = model._meta.label_lower
                waiting = chain.unsealed(model)
                if first is None:
                    console.print(
                        f"{label}: {checked} sealed rows intact, {waiting} not sealed yet"
                    )
                else:
                    broken.append(
                        f"{label}: first broken link at row id {first.row_id} "
                        f"(sequence {first.seq}): {REASONS[first.reason]}"
                    )
        if broken:
            raise CommandError("\n".join(broken))


REASONS = {
    "content": "its content differs from what was sealed",
    "previous": "it does not follow on the row before it (a row was removed or changed)",
    "sequence": "rows are missing before it",
}
