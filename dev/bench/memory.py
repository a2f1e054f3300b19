"""Peak resident memory of a process: the kernel's own high-water marks.

Two sources, both exact and free of sampling: `ru_maxrss` from the rusage `os.wait4`
returns for a child that has exited (the engine: it runs once and exits), and `VmHWM`
from /proc/<pid>/status for a process that is still running (the platform sandbox, read
just before it is stopped).
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

__all__ = ["GIB", "MIB", "maxrss_bytes", "vm_hwm_bytes"]

MIB = 1024 * 1024
GIB = 1024 * MIB


def maxrss_bytes(usage: resource.struct_rusage) -> int:
    """ru_maxrss is in kilobytes on Linux (bytes on macOS)."""
    scale = 1 if os.uname().sysname == "Darwin" else 1024
    return int(usage.ru_maxrss) * scale


def vm_hwm_bytes(pid: int) -> int:
    """The peak resident set size of a live process, from /proc/<pid>/status."""
    status = Path(f"/proc/{pid}/status")
    try:
        text = status.read_text()
    except FileNotFoundError:
        raise ProcessLookupError(f"process {pid} is not running") from None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            value, unit = line.split()[1:3]
            if unit != "kB":  # pragma: no cover - the kernel has always said kB
                raise ValueError(f"{status}: unexpected VmHWM unit {unit!r}")
            return int(value) * 1024
    raise ValueError(f"{status} has no VmHWM line")
