"""Share CPU-bound work between this process and forked children, where the system can fork.

The work and its data stay in this process's memory: a child is forked once they are in place and
reads them from there (nothing is sent to it), does one chunk and sends the result back pickled
through a pipe. This process does the first chunk itself, so two cores need one fork. A bare fork
and a pipe cost about a millisecond; a process pool's start-up and shutdown cost tens.
"""

from __future__ import annotations

import gc
import os
import pickle
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    return hasattr(os, "fork")


def fork_map(work: Callable[[int], T], chunks: int, jobs: int) -> list[T]:
    """[work(0), …, work(chunks - 1)]: chunk 0 here, the others in forked children, at most `jobs` at once
    in all. A child's exception is raised here, with the child's traceback in its message."""
    if chunks < 2 or jobs < 2 or not can_fork():
        return [work(k) for k in range(chunks)]
    results: list[T] = []
    for start in range(0, chunks, jobs):
        batch = range(start, min(start + jobs, chunks))
        children = [_fork(work, k) for k in batch[1:]]
        try:
            results.append(work(batch[0]))
        finally:  # collect every child even when this chunk failed: no zombies, no open pipes
            collected: list[T] = [_collect(child) for child in children]
        results.extend(collected)
    return results


def _fork(work: Callable[[int], T], chunk: int) -> tuple[int, int]:
    """Start a child that does `chunk`: (its pid, the read end of its pipe)."""
    read, write = os.pipe()
    # Frozen objects are left out of garbage collection: a child's collections then do not touch (and
    # so copy) every page of the heap it shares with this process, which would cost more than the work.
    gc.freeze()
    pid = os.fork()
    if pid != 0:
        gc.unfreeze()
    if pid == 0:  # the child: never returns
        os.close(read)
        try:
            try:
                data = pickle.dumps((True, work(chunk)), pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:
                data = pickle.dumps((False, f"{exc!r}\n{traceback.format_exc()}"), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)  # no exit handlers, no flushing of buffers the parent still owns
    os.close(write)
    return pid, read


def _collect(child: tuple[int, int]) -> Any:
    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    if not data:
        raise RuntimeError(f"forked worker {pid} died without a result")
    enabled = gc.isenabled()
    gc.disable()  # unpickling makes many objects at once: no collection passes over the heap meanwhile
    try:
        ok, value = pickle.loads(data)
    finally:
        if enabled:
            gc.enable()
    if not ok:
        raise RuntimeError(f"forked worker failed: {value}")
    return value
