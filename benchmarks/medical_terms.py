"""Benchmark: the medical-term guard's scan() against a plain pass over the same texts.

Usage: .venv/bin/python benchmarks/medical_terms.py [--repeat R]

Reads every note of the labelled sets in tests/data/ (the corpus and the held-out sets)
and, in one process, times R times each:
  baseline   lower-casing and splitting every note into words (what any scan must do)
  scan       hersteld.privacy.medical_terms.scan() with the built-in lexicon
  long word  scan() of one 20,000-character word (it must be looked up whole, not by
             every prefix)
It prints the median seconds, notes per second and the ratio scan/baseline. The guard runs
on every save of a free text, so a few thousand notes per second is plenty; these figures
were unit-test time limits before (issue 12: no wall-clock limits in unit tests).
"""

from __future__ import annotations

import argparse
import pathlib
import statistics
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from hersteld.privacy.medical_terms import load_lexicon, scan

DATA = pathlib.Path(__file__).resolve().parents[1] / "tests" / "data"


def notes() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("medical_notes*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                parts = line.split("\t")
                if len(parts) >= 2:
                    texts.append(parts[1])
    return texts


def timed(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    texts = notes()
    lexicon = load_lexicon()
    scan(texts[0], lexicon)  # warm the caches once, as a running server has them

    baseline = timed(lambda: [text.lower().split() for text in texts], args.repeat)
    scanned = timed(lambda: [scan(text, lexicon) for text in texts], args.repeat)
    long_word = timed(lambda: scan("k" * 20_000, lexicon), args.repeat)

    table = Table(title=f"medical-term guard, {len(texts)} notes, median of {args.repeat}")
    for column in ("measure", "seconds", "notes/s", "ratio to baseline"):
        table.add_column(column, justify="right")
    table.add_row("baseline", f"{baseline:.4f}", f"{len(texts) / baseline:,.0f}", "1.0x")
    table.add_row(
        "scan", f"{scanned:.4f}", f"{len(texts) / scanned:,.0f}", f"{scanned / baseline:.1f}x"
    )
    table.add_row("one 20,000-char word", f"{long_word:.4f}", "", "")
    Console().print(table)


if __name__ == "__main__":
    main()
