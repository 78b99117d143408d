"""Run a function over a list in two processes (fork), for `kb check` on large sites."""

from __future__ import annotations

import io
import os
import pickle
import signal
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def can_fork() -> bool:
    """Two processes help: fork exists, two CPUs are ours, and no thread could hold a lock the
    child would wait for forever (e.g. when `kb` runs inside a threaded program)."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cpus >= 2


def in_two_processes(
    function: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item]
) -> list[Result]:
    """`function(items)`, its second half computed by a forked child and sent back pickled.

    The result is the same list in the same order; when the child fails in any way, this process
    computes that half itself (a real error then surfaces here, as without the child). The items
    found in the child's results (a post's path) come back as this process's own objects: they
    are not rebuilt, and the results are what one process gives, object for object."""
    half = len(items) // 2
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return function(items)
    if pid == 0:  # the child: never return into the caller's code, never run its cleanup
        status = 1
        try:
            os.close(read_end)
            buffer = io.BytesIO()
            _Pickler(buffer, {id(item): index for index, item in enumerate(items)}).dump(
                function(items[half:])
            )
            data = buffer.getvalue()
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    pipe = os.fdopen(read_end, "rb")
    try:
        first = function(items[:half])
        data = pipe.read()
    except BaseException:  # e.g. Ctrl+C: do not leave the child running
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        pipe.close()
        _, status = os.waitpid(pid, 0)
    second: list[Result] | None = None
    if status == 0:
        try:
            second = _Unpickler(io.BytesIO(data), items).load()
        except Exception:  # a truncated message: compute that half here
            second = None
    if second is None:
        second = function(items[half:])
    return first + second


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, known: dict[int, int]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.known = known

    def persistent_id(self, obj: object) -> int | None:
        return self.known.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, items: Sequence[object]) -> None:
        super().__init__(file)
        self.items = items

    def persistent_load(self, pid: int) -> object:
        return self.items[pid]
