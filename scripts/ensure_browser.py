"""Install Debian's Chromium for the browser tests when it is missing and that is possible.

Run by ``make test`` before pytest. It never fails the build: when Chromium cannot be
installed here (not root, no apt-get, no network), it prints why, and the browser tests
skip with the same reason.

    python scripts/ensure_browser.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHROMIUM = os.environ.get("ENCODER_KIT_CHROMIUM", "/usr/bin/chromium")


def _run(command: list[str], timeout: int) -> tuple[bool, str]:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    except (OSError, subprocess.TimeoutExpired) as err:
        return False, str(err)
    return done.returncode == 0, (done.stdout + done.stderr)[-800:]


def main() -> int:
    if os.path.exists(CHROMIUM):
        print(f"ensure_browser: Chromium found at {CHROMIUM}")
        return 0
    if os.environ.get("ENCODER_KIT_CHROMIUM"):
        print(f"ensure_browser: ENCODER_KIT_CHROMIUM={CHROMIUM} does not exist; the browser "
              "tests will skip")
        return 0
    if shutil.which("apt-get") is None:
        print("ensure_browser: no apt-get here (not Debian/Ubuntu); install Chromium yourself "
              "and set ENCODER_KIT_CHROMIUM, or the browser tests will skip")
        return 0
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        print("ensure_browser: Chromium is missing and installing it needs root: run "
              "`sudo apt-get install chromium`; the browser tests will skip until then")
        return 0
    print("ensure_browser: installing Debian's chromium with apt-get (a few minutes, once)")
    ok, log = _run(["apt-get", "update", "-q"], timeout=600)
    if ok:
        ok, log = _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
                       timeout=1200)
    if ok and os.path.exists(CHROMIUM):
        print(f"ensure_browser: installed {CHROMIUM}")
    else:
        print(f"ensure_browser: could not install Chromium; the browser tests will skip.\n{log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
