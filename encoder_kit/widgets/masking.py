"""MaskingExplorer: BERT's masked-language-modelling recipe applied to a sentence (C8).

Of the word pieces (never [CLS] or [SEP]) about 15 % are chosen as prediction targets; each
chosen one becomes [MASK] with probability 0.8, a random word piece with 0.1, and stays as it
was with 0.1. The encoder is trained to predict the original piece at every chosen position.
A seed makes the draw repeatable. The recipe itself lives in :mod:`encoder_kit.masking`; this
module shows it.

>>> pieces = ["[CLS]", "the", "parcel", "arrived", "late", "[SEP]"]
>>> steps = mask_pieces(pieces, seed=3, vocab=["apple", "river"])
>>> [s.position for s in steps if s.chosen]
[4]
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as widgets

from .. import masking
from ..masking import SPECIAL, MaskStep, ordinary_vocabulary, recipe_counts
from ..models import load_sentence_transformer
from . import theme
from .base import on_enter
from .explorer import Explorer, ExplorerInputError, Raw, check_sentence, table_html

__all__ = ["SPECIAL", "MaskStep", "MaskingExplorer", "mask_pieces", "recipe_counts"]


def mask_pieces(pieces: Sequence[str], *, seed: int = 0, rate: float = masking.MASK_RATE,
                vocab: Sequence[str] = ("the",),
                split: tuple[float, float, float] = masking.MASK_SPLIT) -> list[MaskStep]:
    """:func:`encoder_kit.masking.mask_pieces`, its input errors raised as ExplorerInputError
    (shown to the student as a message, not a traceback)."""
    try:
        return masking.mask_pieces(pieces, seed=seed, rate=rate, vocab=vocab, split=split)
    except ValueError as err:
        raise ExplorerInputError(str(err)) from None


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
        sentence = check_sentence(self.text.value)
        tokenizer = load_sentence_transformer().tokenizer
        pieces = tokenizer.convert_ids_to_tokens(tokenizer(sentence, truncation=True,
                                                           max_length=128)["input_ids"])
        if self._vocab is None:
            self._vocab = ordinary_vocabulary(tokenizer)
        self.steps = mask_pieces(pieces, seed=int(self.seed.value), rate=float(self.rate.value),
                                 vocab=self._vocab)
        colours = {"[MASK]": theme.tint(theme.WARN, 35), "random": theme.tint(theme.ERROR, 30),
                   "unchanged": theme.tint(theme.SUCCESS, 30)}
        rows = []
        for s in self.steps:
            shown = Raw(f"<span style='background:{colours.get(s.action, 'transparent')};"
                        f"color:{theme.TEXT_STRONG};padding:0 3px'>{html.escape(s.becomes)}</span>")
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
            + f"<div style='color:{theme.MUTED}'>Over 300 seeds, chosen positions became: {summary}"
              "</div>")
