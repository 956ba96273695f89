"""Helpers to drive a real JupyterLab in headless Chromium (tests and the widget benchmark).

``JupyterLab`` starts a server on 127.0.0.1 with a random free port, a token, its own root
folder and its own Jupyter runtime / settings folders, and stops it with ``POST /api/shutdown``.
``launch_chromium`` starts Debian's Chromium through Playwright. ``browser_unavailable`` says
why the browser tests cannot run here (and how to fix it), or None.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("ENCODER_KIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
# JupyterLab settings for a quiet test run: no news or update checks, no pop-ups
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True},
    # render every cell (no virtual scrolling), so that widgets below the fold exist
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here (with the fix), or None when they can."""
    if not Path(CHROMIUM).exists():
        return (f"Chromium is not installed at {CHROMIUM}: run `python scripts/ensure_browser.py` "
                "(as root with apt), or set ENCODER_KIT_CHROMIUM to a Chromium binary")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package 'playwright' is missing: pip install -e '.[dev]'"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class JupyterLab:
    """A JupyterLab server for one test session; ``root`` holds copies of the notebooks."""

    def __init__(self, notebooks: Path = NOTEBOOKS, env: dict[str, str] | None = None,
                 settings: dict[str, dict[str, Any]] | None = None) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="encoder-kit-lab-"))
        self.root = self.base / "root"
        shutil.copytree(notebooks, self.root, ignore=shutil.ignore_patterns(
            ".ipynb_checkpoints", "encoder-kit-answers.json*"))
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        folder = self.base / "settings"
        for name, values in {**SETTINGS, **(settings or {})}.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values), encoding="utf-8")
        self.env = {**os.environ, **(env or {}),
                    "JUPYTER_RUNTIME_DIR": str(self.base / "runtime"),
                    "JUPYTER_CONFIG_DIR": str(self.base / "config"),
                    "JUPYTER_DATA_DIR": str(self.base / "data"),
                    "IPYTHONDIR": str(self.base / "ipython"),
                    "JUPYTERLAB_WORKSPACES_DIR": str(self.base / "workspaces"),
                    "JUPYTERLAB_SETTINGS_DIR": str(folder)}
        self.env.pop("ENCODER_KIT_ANSWERS", None)  # answers go beside each notebook
        self.process: subprocess.Popen | None = None
        self.log = self.base / "jupyter.log"

    def start(self, timeout: float = 90) -> JupyterLab:
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
                   f"--ServerApp.root_dir={self.root}", "--ServerApp.open_browser=False",
                   "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
                   f"--LabApp.user_settings_dir={self.base / 'settings'}",
                   f"--LabApp.workspaces_dir={self.base / 'workspaces'}"]
        with open(self.log, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(command, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=self.root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited early:\n{self.log.read_text()[-2000:]}")
            try:
                self.api("GET", "/api/status")
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not start in {timeout} s:\n"
                           f"{self.log.read_text()[-2000:]}")

    def api(self, method: str, path: str) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def notebook_url(self, name: str) -> str:
        """The notebook in a fresh workspace of its own (no other tab restored)."""
        workspace = f"ek{secrets.token_hex(4)}"
        return f"{self.url}/lab/workspaces/{workspace}/tree/{name}?token={self.token}"

    def shutdown_kernels(self) -> None:
        """Stop every kernel session (each notebook gets a fresh kernel)."""
        for session in self.api("GET", "/api/sessions") or []:
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}")
            except urllib.error.URLError:
                pass

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            self.api("POST", "/api/shutdown")
            self.process.wait(timeout=20)
        except Exception:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> JupyterLab:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def theme_settings(theme: str) -> dict[str, dict[str, Any]]:
    """User settings that open JupyterLab in ``theme`` ("JupyterLab Light" or "JupyterLab Dark")."""
    return {"@jupyterlab/apputils-extension/themes.jupyterlab-settings":
            {"theme": theme, "adaptive-theme": False}}


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# JavaScript run in the page (window.jupyterapp is there with expose_app_in_browser)
_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.sessionContext.ready;
  await app.commands.execute('notebook:run-all-cells');
  const problems = [];
  panel.content.widgets.forEach((cell, i) => {
    if (cell.model.type !== 'code') return;
    if (cell.model.executionCount === null) problems.push(`cell ${i} did not run`);
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') problems.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      if (out.output_type === 'stream' && out.name === 'stderr')
        problems.push(`cell ${i} stderr: ${String(out.text).slice(0, 300)}`);
    }
  });
  return problems;
}"""


def open_and_run(page: Any, lab: JupyterLab, name: str, timeout_ms: int = 150_000) -> list[str]:
    """Open notebook ``name``, run all cells; return the problems found (errors, stderr)."""
    page.set_default_timeout(timeout_ms)
    page.goto(lab.notebook_url(name))
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext"
        f" && window.jupyterapp.shell.currentWidget.context.path === {json.dumps(name)}",
        timeout=timeout_ms)
    page.wait_for_selector(".jp-Notebook:visible .jp-Cell", timeout=timeout_ms)
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # more room for the widgets
    return page.evaluate(_RUN_ALL)


def screenshot(locator: Any, path: Path, colours: int = 96) -> None:
    """A small PNG of one element (reduced to ``colours`` colours when Pillow is there)."""
    import io

    locator.scroll_into_view_if_needed()
    png = locator.screenshot(animations="disabled")
    try:
        from PIL import Image
    except ImportError:
        Path(path).write_bytes(png)
        return
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def question(page: Any, question_id: str) -> Any:
    """The locator of a question widget."""
    return page.locator(f".ek-q-{question_id}").first
