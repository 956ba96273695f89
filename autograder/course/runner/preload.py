"""Imported by the grading fork server: prepares it (see :mod:`autograder.course.runner.warmup`).

``LocalExecutor`` starts the fork server with ``ENCODER_KIT_FORK_SERVER=1``; only then does
importing this module import and warm up the grading stack (seconds). Imported anywhere else
(a doctest run, say), it does nothing.
"""

import os

SERVER_FLAG = "ENCODER_KIT_FORK_SERVER"

if os.environ.get(SERVER_FLAG) == "1":
    from .warmup import prepare_server

    prepare_server()
