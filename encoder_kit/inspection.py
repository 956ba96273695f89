"""inspect_text: the application pipeline (C1) and its shapes (C4), for one sentence.

(The module is ``inspection``, not ``inspect``, so that it does not shadow the standard
library's ``inspect``.)

>>> from encoder_kit import inspect_text
>>> view = inspect_text("Refund my order")
>>> view.pieces[0], view.pieces[-1]
('[CLS]', '[SEP]')
>>> view.shapes["contextual vectors"] == (len(view.pieces), 384)
True
>>> view.shapes["all hidden states"][0]
7
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from .encoding import mean_pool
from .models import DEFAULT_MODEL, encoder_info, load_sentence_transformer


@dataclass
class TextInspection:
    """What the encoder does to one text, stage by stage."""

    text: str
    model: str
    pieces: list[str]
    ids: list[int]
    shapes: dict[str, tuple[int, ...]]
    token_embeddings: np.ndarray = field(repr=False)
    contextual: np.ndarray = field(repr=False)
    pooled: np.ndarray = field(repr=False)
    hidden_states: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        lines = [f"TextInspection of {self.text!r} with {self.model}",
                 f"  word pieces ({len(self.pieces)}): {' '.join(self.pieces)}",
                 f"  ids: {self.ids}"]
        lines += [f"  {stage}: {shape}" for stage, shape in self.shapes.items()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cells = "".join(
            f"<td style='padding:2px 6px;border:1px solid #ccc;text-align:center'>"
            f"{html.escape(p)}<br><small style='color:#666'>{i}</small></td>"
            for p, i in zip(self.pieces, self.ids, strict=True)
        )
        rows = "".join(
            f"<tr><td style='padding:2px 8px'>{html.escape(stage)}</td>"
            f"<td style='padding:2px 8px;font-family:monospace'>{shape}</td></tr>"
            for stage, shape in self.shapes.items()
        )
        return (
            f"<div><b>{html.escape(self.text)}</b> &rarr; {len(self.pieces)} word pieces "
            f"({html.escape(self.model)})<table><tr>{cells}</tr></table>"
            f"<table>{rows}</table></div>"
        )


def inspect_text(text: str, model: str = DEFAULT_MODEL, max_length: int | None = None
                 ) -> TextInspection:
    """Word pieces, ids and the array at every stage of the encoder for ``text``."""
    if not isinstance(text, str):
        raise TypeError(
            f"inspect_text takes one text (a str), got {type(text).__name__}; "
            "for many texts use FrozenEncoder().transform(texts)"
        )
    import torch  # lazy: `import encoder_kit` stays torch-free

    info = encoder_info(model)
    st = load_sentence_transformer(model)
    limit = max_length or info.max_length
    encoded = st.tokenizer(text, truncation=True, max_length=limit, return_tensors="pt",
                           verbose=False)
    encoded = {k: v.to(st.device) for k, v in encoded.items()}
    bert = st[0].auto_model
    with torch.inference_mode():
        out = bert(**encoded, output_hidden_states=True)
    contextual = out.last_hidden_state[0]
    pooled = mean_pool(out.last_hidden_state, encoded["attention_mask"])[0]  # the model's own
    hidden = torch.stack(out.hidden_states)[:, 0]
    ids = encoded["input_ids"][0].tolist()
    token_embeddings = bert.embeddings.word_embeddings(encoded["input_ids"])[0]
    shapes = {
        "token ids": (len(ids),),
        "token embeddings": tuple(token_embeddings.shape),
        "input to layer 1 (token + position embeddings)": tuple(hidden[0].shape),
        "contextual vectors": tuple(contextual.shape),
        "pooled sentence vector": tuple(pooled.shape),
        "all hidden states": tuple(hidden.shape),
    }
    return TextInspection(
        text=text,
        model=str(model),
        pieces=st.tokenizer.convert_ids_to_tokens(ids),
        ids=ids,
        shapes=shapes,
        token_embeddings=token_embeddings.detach().cpu().numpy(),
        contextual=contextual.cpu().numpy(),
        pooled=pooled.cpu().numpy(),
        hidden_states=hidden.cpu().numpy(),
    )
