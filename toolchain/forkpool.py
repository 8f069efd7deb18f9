"""Share CPU-bound work between this process and forked children, on Linux.

The work and its data stay in this process's memory: a child is forked once they are in place and
reads them from there (nothing is sent to it), does one chunk and sends the result back pickled
through a pipe. This process does the first chunk itself, so two cores need one fork. A bare fork
and a pipe cost about a millisecond; a process pool's start-up and shutdown cost tens. Elsewhere
(macOS, where forking a process that has loaded system frameworks is unsafe; Windows, which cannot)
every chunk runs here, one after the other.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# Children that sent their result and are still exiting (unmapping a large heap takes milliseconds):
# reaped without waiting, at the next fork_map. Nothing else in the process may reap them (no
# `waitpid(-1)`, SIGCHLD not ignored): their pids could then be reused by other children.
_EXITING: list[int] = []


def can_fork() -> bool:
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def fork_map(work: Callable[[int], T], chunks: int, jobs: int) -> list[T]:
    """[work(0), …, work(chunks - 1)]: chunk 0 here, the others in forked children, at most `jobs` at once
    in all. An exception in a chunk is raised here as it was raised (a child's with its traceback added),
    once every child's outcome is in. A child still exiting then is reaped later (`reap`)."""
    if chunks < 2 or jobs < 2 or not can_fork():
        return [work(k) for k in range(chunks)]
    reap()
    results: list[T] = []
    for start in range(0, chunks, jobs):
        batch = range(start, min(start + jobs, chunks))
        children: list[tuple[int, int]] = []
        failure: BaseException | None = None
        try:
            for chunk in batch[1:]:
                children.append(_fork(work, chunk))
            results.append(work(batch[0]))
        except BaseException as exc:  # re-raised below, once every child is collected
            failure = exc
        collected = [_collect(child) for child in children]  # every pipe closed, even on failure
        if failure is not None:
            raise failure
        for ok, value in collected:
            if not ok:
                raise value
            results.append(value)
    return results


def _fork(work: Callable[[int], T], chunk: int) -> tuple[int, int]:
    """Start a child that does `chunk`: (its pid, the read end of its pipe)."""
    read, write = os.pipe()
    # Frozen objects are left out of garbage collection: a child's collections then do not touch (and
    # so copy) every page of the heap it shares with this process, which would cost more than the work.
    gc.freeze()
    try:
        pid = os.fork()
    except BaseException:
        gc.unfreeze()
        os.close(read)
        os.close(write)
        raise
    if pid == 0:  # the child: never returns
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(_outcome(work, chunk))
        finally:
            os._exit(0)  # no exit handlers, no flushing of buffers the parent still owns
    gc.unfreeze()
    os.close(write)
    return pid, read


def _outcome(work: Callable[[int], T], chunk: int) -> bytes:
    """(True, result) or (False, the exception) pickled; an exception that cannot be pickled becomes a
    RuntimeError with its text."""
    try:
        return pickle.dumps((True, work(chunk)), pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:
        exc.add_note(f"in a forked worker (chunk {chunk}):\n{traceback.format_exc()}")
        try:
            return pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
        except Exception:
            return pickle.dumps((False, RuntimeError(f"{exc!r}\n{traceback.format_exc()}")))


def reap() -> None:
    """Collect the children that have finished exiting since they sent their results."""
    for pid in list(_EXITING):
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # already collected elsewhere
            done = pid
        if done:
            _EXITING.remove(pid)


def _collect(child: tuple[int, int]) -> tuple[bool, Any]:
    """(True, result) or (False, the exception to raise) of a child, once it has ended."""
    pid, read = child
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    if not data:
        _, status = os.waitpid(pid, 0)
        return False, RuntimeError(f"forked worker {pid} ended without a result (wait status {status})")
    if os.waitpid(pid, os.WNOHANG) == (0, 0):
        _EXITING.append(pid)
    enabled = gc.isenabled()
    gc.disable()  # unpickling makes many objects at once: no collection passes over the heap meanwhile
    try:
        outcome: tuple[bool, Any] = pickle.loads(data)
    except Exception as exc:
        return False, RuntimeError(f"forked worker {pid} sent a damaged result ({exc})")
    finally:
        if enabled:
            gc.enable()
    return outcome
