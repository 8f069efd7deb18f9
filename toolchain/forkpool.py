"""Share CPU-bound work between this process and forked workers, where the system can fork.

The work and its data stay in this process's memory: workers are forked once they are in place and
read them from there (nothing is pickled on the way out but a chunk number); each chunk's result
comes back pickled. This process does the first chunk itself, so two cores need one fork.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_WORK: Callable[[int], Any] | None = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def fork_map(work: Callable[[int], T], chunks: int, jobs: int) -> list[T]:
    """[work(0), …, work(chunks - 1)]: chunk 0 here, the others in up to `jobs - 1` forked workers."""
    global _WORK
    if chunks < 2 or jobs < 2 or not can_fork():
        return [work(k) for k in range(chunks)]
    _WORK = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, chunks) - 1, mp_context=context) as pool:
            futures = [pool.submit(_run, k) for k in range(1, chunks)]
            first = work(0)
            return [first, *(future.result() for future in futures)]
    finally:
        _WORK = None


def _run(chunk: int) -> Any:
    assert _WORK is not None, "only a forked worker runs chunks"
    return _WORK(chunk)
