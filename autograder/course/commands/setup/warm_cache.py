"""``encoder-kit course warm-cache``: encode the exercises' texts once, so grading kernels never import torch.

A student's ``FrozenEncoder`` (and ``TokenEncoder``) looks every text up in the embedding
cache first and imports torch only for a miss. Encoding the course's training texts and the
instructor's hidden test texts ahead of grading, with the default settings the exercises
use, makes every lookup in a correct submission a hit.

Run it once per machine (or per cache folder) after installing encoder-kit; grading then
passes the same cache folder (``$ENCODER_KIT_CACHE`` or ``--cache``) to its kernels. ::

    warm_cache(hidden=Path("exercises/hidden"))   # WarmReport(cache=..., sentences=450, ...)
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..options import common_parser, open_course


@dataclass
class WarmReport:
    """What ``warm_cache`` encoded."""

    cache: Path
    sentences: int
    tagged_sentences: int
    vectors_before: int
    vectors_after: int
    seconds: float


def _hidden_sets(hidden: Path | None) -> tuple[list[str], list[list[str]]]:
    from encoder_kit.conll import read_conll
    from encoder_kit.data.exercises import read_labelled_tsv

    texts: list[str] = []
    sentences: list[list[str]] = []
    if hidden is None or not hidden.is_dir():
        return texts, sentences
    for path in sorted(hidden.glob("*.tsv")):
        texts += read_labelled_tsv(path)[0]
    for path in sorted(hidden.glob("*.conll")):
        sentences += read_conll(path)[0]
    return texts, sentences


def warm_cache(hidden: Path | None = None, cache: str | Path | None = None,
               token_settings: list[dict[str, Any]] | None = None) -> WarmReport:
    """Encode the shipped exercise data and the hidden test sets into the cache."""
    from encoder_kit.cache import get_cache
    from encoder_kit.data.exercises import load_city_requests, load_ner_train
    from encoder_kit.encoder import FrozenEncoder
    from encoder_kit.tokens import TokenEncoder

    start = time.perf_counter()
    setting: Any = str(cache) if cache else None
    store = get_cache(setting)
    assert store is not None
    before = len(store)
    hidden_texts, hidden_sentences = _hidden_sets(hidden)
    texts = list(dict.fromkeys(load_city_requests()[0] + hidden_texts))
    FrozenEncoder(cache=setting).transform(texts)
    sentences = load_ner_train()[0] + hidden_sentences
    for settings in token_settings or [{}]:
        TokenEncoder(cache=setting, **settings).transform(sentences)
    return WarmReport(store.directory, len(texts), len(sentences), before, len(store),
                      time.perf_counter() - start)


def run(args: argparse.Namespace) -> int:
    """``encoder-kit course warm-cache``"""
    from autograder.course.coursedir import CONFIG_FILE

    course = open_course(args) if args.course or Path(CONFIG_FILE).exists() else None
    hidden = course.hidden_dir() if course is not None else None
    report = warm_cache(hidden=hidden, cache=args.cache)
    print(f"embedding cache {report.cache}: {report.sentences} sentences and "
          f"{report.tagged_sentences} tagged sentences ({'with' if hidden else 'without'} the "
          f"hidden test sets); {report.vectors_after - report.vectors_before} vectors added, "
          f"{report.vectors_after} in all; {report.seconds:.1f} s")
    print("  grading kernels that use this cache folder never import torch for these texts")
    return 0


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("warm-cache", parents=[common_parser()], help="encode the exercise "
                         "data once, so that grading kernels never import torch")
    p.add_argument("--cache", default=None, help="cache folder (default: $ENCODER_KIT_CACHE)")
    p.set_defaults(func=run)
