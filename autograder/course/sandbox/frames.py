"""The wire between the grader and its kernel process: length-prefixed JSON frames.

Each frame is a 4-byte big-endian length, then that many bytes of JSON. Never pickle: the
grader must not run anything a student's code wrote. The kernel process writes frames with
``write_frame`` and reads its requests with ``read_frame``; the grader reads the kernel's
frames with its own buffered, time-limited reader (:mod:`.kernel_process`).

>>> import os
>>> r, w = os.pipe()
>>> write_frame(w, {"t": "hello", "notes": []})
>>> read_frame(r)
{'t': 'hello', 'notes': []}
"""

from __future__ import annotations

import json
import os
import struct
from typing import Any

HEADER = struct.Struct(">I")


def write_frame(fd: int, data: dict[str, Any]) -> None:
    """Write ``data`` to ``fd`` as one frame (whole: a pipe write may be partial)."""
    payload = json.dumps(data, default=str).encode()
    view = memoryview(HEADER.pack(len(payload)) + payload)
    while view:
        view = view[os.write(fd, view):]


def read_frame(fd: int) -> dict[str, Any]:
    """Read one frame from ``fd`` (blocking); EOFError when the other side closed it."""
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = os.read(fd, n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    (size,) = HEADER.unpack(exactly(HEADER.size))
    return json.loads(exactly(size))
