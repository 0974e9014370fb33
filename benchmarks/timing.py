"""Timing primitives: run a call many times and summarise the distribution in milliseconds.

Budgets are stated as p95 because search-as-you-type is judged on its slow keystrokes, not
its average; p50 is what the cipher ratios use because it is the least noisy.
"""

import functools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of `values` (0 < fraction <= 1); no interpolation to argue about."""
    if not values:
        raise ValueError("no samples")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Stats:
    """The samples of one measured operation, in milliseconds."""

    samples_ms: tuple[float, ...]

    @property
    def n(self) -> int:
        """How many calls were timed."""
        return len(self.samples_ms)

    @property
    def p50(self) -> float:
        """Median duration."""
        return percentile(self.samples_ms, 0.50)

    @property
    def p95(self) -> float:
        """95th percentile duration: what budgets are checked against."""
        return percentile(self.samples_ms, 0.95)

    @property
    def max(self) -> float:
        """Slowest call."""
        return max(self.samples_ms)

    def merged(self, other: "Stats") -> "Stats":
        """Pool the samples of two runs of the same operation."""
        return Stats(self.samples_ms + other.samples_ms)


def time_calls(calls: Iterable[Callable[[], Any]]) -> Stats:
    """Time each call separately with `perf_counter`."""
    samples: list[float] = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000.0)
    return Stats(tuple(samples))


def time_each(function: Callable[[T], Any], arguments: Sequence[T], *,
                 warmup: int = 0) -> Stats:
    """Call `function` once per argument and time each call.

    The first `warmup` arguments are run untimed first, so the page cache and SQLCipher's
    own cache hold the working set: the budgets are about a practice in use, not a cold disk.
    """
    for argument in arguments[:warmup]:
        function(argument)
    return time_calls(functools.partial(function, argument) for argument in arguments)


def timed(call: Callable[[], T]) -> tuple[T, float]:
    """Run `call` once; return its result and its duration in milliseconds.

    For measures whose set-up or tear-down must stay outside the timed region (opening a
    vault is timed, locking it afterwards is not).
    """
    start = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - start) * 1000.0
