"""ContextExplorer: one word in several sentences, compared layer by layer (C6, C7).

The vectors of the same word differ from sentence to sentence, and the differences grow as
the layers mix in context. For every layer (0 = embeddings) the explorer shows the cosine
similarity of the word's vectors for each pair of sentences.

>>> sims = word_similarities("bank", ["I paid at the bank", "We sat on the bank"])  # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from itertools import combinations
from typing import Any

import ipywidgets as widgets
import numpy as np

from . import theme
from .explorer import Explorer, ExplorerInputError, Raw, table_html

DEFAULT_SENTENCES = (
    "I paid the cheque in at the bank this morning.",
    "The bank refused to raise my overdraft limit.",
    "We had a picnic on the grassy bank of the river.",
)


def word_vectors(word: str, sentences: list[str]) -> np.ndarray:
    """The word's vector at every layer in each sentence: (sentences, layers + 1, d).

    A word split into several word pieces gets the mean of its pieces.
    """
    import torch

    from ..models import load_sentence_transformer

    if not isinstance(word, str) or not word.strip():
        raise ExplorerInputError("The word is empty: type one word, e.g. 'bank'.")
    if len(word.split()) != 1:
        raise ExplorerInputError(f"{word!r} is more than one word: type a single word.")
    if len(sentences) < 2:
        raise ExplorerInputError("Give at least two sentences (one per line) that use the word.")
    word = word.strip()
    st = load_sentence_transformer()
    bert = st[0].auto_model
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
    out = []
    for sentence in sentences:
        found = pattern.search(sentence)
        if found is None:
            raise ExplorerInputError(f"{word!r} does not occur in the sentence {sentence!r}: "
                                     "use the word in every sentence, or remove that line.")
        enc = st.tokenizer(sentence, return_offsets_mapping=True, truncation=True,
                           max_length=128, return_tensors="pt")
        offsets = enc.pop("offset_mapping")[0].tolist()
        rows = [i for i, (a, b) in enumerate(offsets)
                if b > a and a < found.end() and b > found.start()]
        if not rows:
            raise ExplorerInputError(f"{word!r} was cut off in {sentence!r}: use a shorter "
                                     "sentence.")
        with torch.inference_mode():
            hidden = bert(**{k: v.to(st.device) for k, v in enc.items()},
                          output_hidden_states=True).hidden_states
        stacked = torch.stack(hidden)[:, 0, rows, :].mean(dim=1)  # (layers + 1, d)
        out.append(stacked.float().cpu().numpy())
    return np.stack(out)


def word_similarities(word: str, sentences: list[str]) -> dict[tuple[int, int], np.ndarray]:
    """Cosine similarity per layer for every pair (i, j) of sentences."""
    vectors = word_vectors(word, sentences)
    norms = vectors / np.linalg.norm(vectors, axis=-1, keepdims=True)
    return {(i, j): (norms[i] * norms[j]).sum(-1)
            for i, j in combinations(range(len(sentences)), 2)}


def _cell(value: float) -> Raw:
    # stronger blue for higher similarity, mixed into the page colour (light or dark theme)
    share = int(45 * max(0.0, min(1.0, value)))
    return Raw(f"<span style='display:inline-block;min-width:44px;padding:0 4px;"
               f"background:{theme.tint(theme.ACCENT, share)};color:{theme.TEXT_STRONG}'>"
               f"{value:.2f}</span>")


class ContextExplorer(Explorer):
    """Type a word and sentences that use it; compare its vectors layer by layer."""

    css_class = "ek-context"

    def __init__(self, word: str = "bank", sentences: Any = DEFAULT_SENTENCES) -> None:
        self.word = widgets.Text(value=word, description="Word:",
                                 layout=widgets.Layout(width="260px"))
        self.sentences = widgets.Textarea(value="\n".join(sentences),
                                          description="Sentences:",
                                          placeholder="One sentence per line",
                                          layout=widgets.Layout(width="620px", height="90px"))
        self.run_button = widgets.Button(description="Compare", button_style="primary",
                                         icon="play")
        self.run_button.add_class("ek-run")
        self.table = widgets.HTML()
        self.table.add_class("ek-context-table")
        self.similarities: dict[tuple[int, int], np.ndarray] = {}
        self.run_button.on_click(lambda _b: self.update())
        super().__init__([self.word, self.sentences, self.run_button, self.table],
                         "Context explorer: the same word in different sentences")
        self.update()

    def sentence_list(self) -> list[str]:
        """The non-empty lines of the sentence box."""
        return [line.strip() for line in self.sentences.value.splitlines() if line.strip()]

    def update(self) -> None:
        """Recompute the similarities for the word and sentences typed."""
        self.guard(self._update)

    def _update(self) -> None:
        sentences = self.sentence_list()
        self.similarities = word_similarities(self.word.value, sentences)
        pairs = list(self.similarities)
        layers = len(next(iter(self.similarities.values())))
        header = ["layer"] + [f"S{i + 1} vs S{j + 1}" for i, j in pairs]
        rows = [["0 (embeddings)" if layer == 0 else str(layer)]
                + [_cell(float(self.similarities[p][layer])) for p in pairs]
                for layer in range(layers)]
        legend = "".join(f"<li>S{i + 1}: {html.escape(s)}</li>" for i, s in enumerate(sentences))
        self.table.value = (
            f"<ol style='list-style:none;padding-left:0;margin:2px 0'>{legend}</ol>"
            f"Cosine similarity of the vectors of <b>{html.escape(self.word.value.strip())}</b> "
            "per layer. "
            "Layer 0 knows no context, so similarities start near 1 and then drift apart."
            + table_html(header, rows))
