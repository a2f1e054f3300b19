"""Child processes that never outlive erpsync.

A child started with `child_kwargs()` runs in its own process group (a terminal's Ctrl-C
reaches only erpsync, which then stops it in order) and, on Linux, gets SIGTERM from the
kernel when its parent dies, also by SIGKILL, so a killed erpsync leaves nothing running.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

__all__ = ["child_kwargs", "descendants", "kill_descendants", "stop_process_group"]

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def child_kwargs() -> dict[str, Any]:
    """Popen arguments for a child tied to this process's life."""
    if sys.platform.startswith("linux"):
        return {"start_new_session": True, "preexec_fn": _die_with_parent}
    if os.name == "nt":  # a Windows service stops its children through the job object
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    return {"start_new_session": True}


def stop_process_group(proc: subprocess.Popen[Any], timeout: float = 8.0) -> None:
    """SIGTERM the child's process group, SIGKILL it after `timeout` seconds."""
    if proc.poll() is not None:
        return
    try:
        if os.name == "nt":
            proc.terminate()
        else:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name == "nt":
            proc.kill()
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def descendants(pid: int | None = None) -> list[int]:
    """Every process below `pid` (default: this one), children first (Linux /proc)."""
    root = os.getpid() if pid is None else pid
    children: dict[int, list[int]] = {}
    proc = "/proc"
    if not os.path.isdir(proc):
        return []
    for name in os.listdir(proc):
        if not name.isdigit():
            continue
        try:
            with open(f"{proc}/{name}/stat", "rb") as fh:
                stat = fh.read().decode(errors="replace")
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(name))
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        child = todo.pop(0)
        found.append(child)
        todo.extend(children.get(child, []))
    return found


def kill_descendants(keep: set[int] | None = None, sig: int = signal.SIGKILL) -> list[int]:
    """Signal every descendant of this process except `keep` and theirs; returns the pids."""
    spared = set(keep or ())
    for pid in list(spared):
        spared.update(descendants(pid))
    hit = [pid for pid in descendants() if pid not in spared]
    for pid in hit:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    return hit
