"""The documentation site builds with ``mkdocs build --strict``, and says what it should.

Strict mode turns every warning into a failure: a link to a page or anchor that does not
exist, a page missing from the navigation, a docstring mkdocstrings cannot render. The site is
built into a temporary folder, so the checkout stays clean.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean",
         "--config-file", str(REPO / "mkdocs.yml"), "--site-dir", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-5000:]
    return out


def _text(page: Path) -> str:
    """The page's text: tags dropped, entities decoded, white space collapsed."""
    text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
    return " ".join(html.unescape(text).split())


def test_every_markdown_page_is_built(site: Path) -> None:
    for page in DOCS.glob("*.md"):
        target = site / ("index.html" if page.stem == "index" else f"{page.stem}/index.html")
        assert target.is_file(), f"docs/{page.name} was not built"


def test_a_quick_start_per_audience(site: Path) -> None:
    for audience, command in (("practitioner", "pip install encoder-kit"),
                              ("student", "pip install 'encoder-kit[widgets]'"),
                              ("instructor", "pip install 'encoder-kit[course]'")):
        text = _text(site / f"quickstart-{audience}" / "index.html")
        assert command in text, audience


def test_the_api_reference_is_generated_from_the_docstrings(site: Path) -> None:
    text = _text(site / "api" / "index.html")
    for name in ("FrozenEncoder", "make_classifier", "TokenEncoder", "TokenTagger",
                 "EmbeddingCache", "load_bank", "load_questions", "QuestionPool", "grade",
                 "check", "Result"):
        assert name in text, name
    # a sentence of a docstring, not only the names: mkdocstrings rendered it
    from autograder.grade import grade

    first_line = grade.__doc__.strip().splitlines()[0]
    words = re.sub(r"`+", "", first_line).split()[:4]
    assert " ".join(words) in text


def test_the_changelog_page_holds_the_changelog(site: Path) -> None:
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", changelog, flags=re.MULTILINE)
    assert headings, "CHANGELOG.md has no release or issue sections"
    text = _text(site / "changelog" / "index.html")
    for heading in headings[:3]:
        assert heading.split()[0] in text


def test_the_navigation_names_every_page() -> None:
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in DOCS.glob("*.md"):
        assert re.search(rf":\s*{re.escape(page.name)}\s*$", config, flags=re.MULTILINE), page.name
