"""When the encoders draw a progress bar: one policy for every estimator.

Every estimator's ``show_progress`` parameter (``FrozenEncoder``, ``TokenEncoder``,
``TokenTagger``) goes through :func:`wants_progress`:

- **while grading: never**, whatever the setting. A grading kernel has
  ``$ENCODER_KIT_GRADER_SCORES`` set (:data:`GRADING_ENV`); a bar written to stderr in an
  nbgrader test cell would cost the student that cell.
- ``False``: never; ``True``: always (in a notebook tqdm draws a widget, not stderr text).
- ``None`` (the default): in a **terminal** (stderr is a tty) when at least
  :data:`PROGRESS_THRESHOLD` items are to be encoded; **never in a notebook kernel**. A
  student's notebook and the kernel that grades it look the same from inside, and the
  student's own run is where a graded notebook's outputs are made, so the default keeps a
  kernel's stderr clean; pass ``show_progress=True`` to see a bar in a notebook.

>>> wants_progress(None, 10), wants_progress(True, 10), wants_progress(False, 10**6)
(False, True, False)
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["GRADING_ENV", "PROGRESS_THRESHOLD", "is_grading", "progress_bar", "wants_progress"]

#: Set to "1" in grading kernels (by the autograder's kernel set-up): no bars there, ever.
GRADING_ENV = "ENCODER_KIT_GRADER_SCORES"
#: With ``show_progress=None``, a terminal shows a bar from this many items to encode.
PROGRESS_THRESHOLD = 1000

T = TypeVar("T")


def is_grading() -> bool:
    """True in a grading kernel (``$ENCODER_KIT_GRADER_SCORES`` is "1")."""
    return os.environ.get(GRADING_ENV) == "1"


def wants_progress(setting: bool | None, n_items: int) -> bool:
    """Whether to draw a bar for ``n_items`` to encode, given an estimator's ``show_progress``.

    See the module docstring for the policy: never while grading; ``True``/``False`` as
    asked; ``None``: only in a terminal, from :data:`PROGRESS_THRESHOLD` items.
    """
    if is_grading() or setting is False:
        return False
    if setting is True:
        return True
    return n_items >= PROGRESS_THRESHOLD and _stderr_is_terminal()


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # no stderr, or a closed one
        return False


def progress_bar(items: Iterable[T], *, enabled: bool, total: int | None = None,
                 desc: str = "Encoding", unit: str = "batch") -> Iterator[T]:
    """``items``, with a tqdm bar when ``enabled`` (decide with :func:`wants_progress`).

    >>> list(progress_bar(range(3), enabled=False))
    [0, 1, 2]
    """
    if not enabled:
        return iter(items)
    # Imported here, not at the top: tqdm.auto imports IPython when it is installed, which
    # would slow down `import encoder_kit.encoder` for every caller that draws no bar.
    from tqdm.auto import tqdm

    return iter(tqdm(items, total=total, desc=desc, unit=unit))
