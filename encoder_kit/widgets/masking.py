"""MaskingExplorer: BERT's masked-language-modelling recipe applied to a sentence (C8).

Of the word pieces (never [CLS] or [SEP]) about 15 % are chosen as prediction targets; each
chosen one becomes [MASK] with probability 0.8, a random word piece with 0.1, and stays as it
was with 0.1. The encoder is trained to predict the original piece at every chosen position.
A seed makes the draw repeatable.

>>> pieces = ["[CLS]", "the", "parcel", "arrived", "late", "[SEP]"]
>>> steps = mask_pieces(pieces, seed=3, vocab=["apple", "river"])
>>> [s.position for s in steps if s.chosen]
[4]
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .base import on_enter
from .explorer import Explorer, ExplorerInputError, Raw, check_sentence, table_html

SPECIAL = frozenset({"[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]"})


@dataclass(frozen=True)
class MaskStep:
    """What happened to one position."""

    position: int
    original: str
    chosen: bool
    action: str  # "special", "kept (not chosen)", "[MASK]", "random", "unchanged"
    becomes: str


def mask_pieces(pieces: Sequence[str], *, seed: int = 0, rate: float = 0.15,
                vocab: Sequence[str] = ("the",), split: tuple[float, float, float] = (0.8, 0.1, 0.1)
                ) -> list[MaskStep]:
    """Apply the recipe: choose ``max(1, round(rate * n))`` of the n ordinary pieces, then
    [MASK] / random piece / unchanged with the probabilities in ``split``."""
    if not 0 < rate <= 1:
        raise ExplorerInputError(f"The masking rate must be between 0 and 1, got {rate}.")
    rng = np.random.default_rng(seed)
    candidates = [i for i, p in enumerate(pieces) if p not in SPECIAL]
    if not candidates:
        raise ExplorerInputError("The sentence has no word pieces to mask: type some words.")
    count = max(1, int(round(rate * len(candidates))))
    chosen = set(rng.choice(candidates, size=count, replace=False).tolist())
    steps = []
    for i, piece in enumerate(pieces):
        if i not in chosen:
            action = "special" if piece in SPECIAL else "kept (not chosen)"
            steps.append(MaskStep(i, piece, False, action, piece))
            continue
        draw = rng.random()
        if draw < split[0]:
            steps.append(MaskStep(i, piece, True, "[MASK]", "[MASK]"))
        elif draw < split[0] + split[1]:
            steps.append(MaskStep(i, piece, True, "random", str(vocab[rng.integers(len(vocab))])))
        else:
            steps.append(MaskStep(i, piece, True, "unchanged", piece))
    return steps


def recipe_counts(pieces: Sequence[str], *, repeats: int = 1000, rate: float = 0.15,
                  vocab: Sequence[str] = ("the",)) -> Counter:
    """How often each action happened to chosen positions over ``repeats`` seeds."""
    counts: Counter = Counter()
    for seed in range(repeats):
        counts.update(s.action for s in mask_pieces(pieces, seed=seed, rate=rate, vocab=vocab)
                      if s.chosen)
    return counts


def _vocabulary() -> list[str]:
    """Ordinary word pieces of the model's vocabulary (no special or unused entries)."""
    from ..models import load_sentence_transformer

    vocab = load_sentence_transformer().tokenizer.get_vocab()
    return sorted(t for t in vocab if t.isalpha() and t.islower() and len(t) > 2)


class MaskingExplorer(Explorer):
    """Mask a sentence the way BERT's pre-training did, with a seed you choose."""

    css_class = "ek-masking"

    def __init__(self, text: str = "The new headphones stopped charging after a week of use",
                 seed: int = 0) -> None:
        self.text = widgets.Text(value=text, description="Sentence:",
                                 layout=widgets.Layout(width="560px"), continuous_update=True)
        self.seed = widgets.BoundedIntText(value=seed, min=0, max=10**6, description="Seed:",
                                           layout=widgets.Layout(width="180px"))
        self.rate = widgets.FloatSlider(value=0.15, min=0.05, max=0.5, step=0.05,
                                        description="Rate:", readout_format=".2f")
        self.run_button = widgets.Button(description="Mask", button_style="primary",
                                         icon="random")
        self.run_button.add_class("ek-run")
        self.table = widgets.HTML()
        self.table.add_class("ek-mask-table")
        self.steps: list[MaskStep] = []
        self._vocab: list[str] | None = None
        self.run_button.on_click(lambda _b: self.update())
        on_enter(self.text, self.update)
        self.seed.observe(lambda _c: self.update(), names="value")
        super().__init__([widgets.HBox([self.text, self.run_button]),
                          widgets.HBox([self.seed, self.rate]), self.table],
                         "Masking explorer: BERT's masked-language-modelling recipe")
        self.update()

    def update(self) -> None:
        """Tokenize the sentence and apply the recipe with the current seed and rate."""
        self.guard(self._update)

    def _update(self) -> None:
        from ..models import load_sentence_transformer

        sentence = check_sentence(self.text.value)
        tokenizer = load_sentence_transformer().tokenizer
        pieces = tokenizer.convert_ids_to_tokens(tokenizer(sentence, truncation=True,
                                                           max_length=128)["input_ids"])
        if self._vocab is None:
            self._vocab = _vocabulary()
        self.steps = mask_pieces(pieces, seed=int(self.seed.value), rate=float(self.rate.value),
                                 vocab=self._vocab)
        colours = {"[MASK]": "#ffd9a8", "random": "#f4b6c2", "unchanged": "#c8e6c9"}
        rows = []
        for s in self.steps:
            shown = Raw(f"<span style='background:{colours.get(s.action, 'transparent')};"
                        f"padding:0 3px'>{html.escape(s.becomes)}</span>")
            target = s.original if s.chosen else "—"
            rows.append((s.position, s.original, "yes" if s.chosen else "", s.action, shown,
                         target))
        masked = " ".join(html.escape(s.becomes) for s in self.steps)
        chosen = sum(s.chosen for s in self.steps)
        ordinary = sum(s.action != "special" for s in self.steps)
        counts = recipe_counts(pieces, repeats=300, rate=float(self.rate.value),
                               vocab=self._vocab[:50])
        total = sum(counts.values()) or 1
        summary = ", ".join(f"{name} {100 * counts[name] / total:.0f} %"
                            for name in ("[MASK]", "random", "unchanged"))
        self.table.value = (
            f"<div>Input to the encoder: <code class='ek-masked'>{masked}</code></div>"
            f"<div>{chosen} of {ordinary} ordinary word pieces chosen (rate "
            f"{self.rate.value:.2f}); the loss is computed only at those positions.</div>"
            + table_html(["position", "word piece", "chosen", "what happened", "input becomes",
                          "target to predict"], rows)
            + f"<div style='color:#555'>Over 300 seeds, chosen positions became: {summary}"
              "</div>")
