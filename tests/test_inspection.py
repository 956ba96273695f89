"""inspect_text: word pieces, ids and the shape at every stage."""

from __future__ import annotations

import numpy as np
import pytest

from encoder_kit import inspect_text


def test_pieces_ids_and_shapes(sentence_transformer):
    view = inspect_text("Tokenization splits unfamiliar words")
    n = len(view.pieces)
    assert view.pieces[0] == "[CLS]" and view.pieces[-1] == "[SEP]"
    assert view.ids == sentence_transformer.tokenizer("Tokenization splits unfamiliar words"
                                                      )["input_ids"]
    assert any(p.startswith("##") for p in view.pieces)  # a word split into pieces
    assert view.shapes["token embeddings"] == (n, 384)
    assert view.shapes["contextual vectors"] == (n, 384)
    assert view.shapes["pooled sentence vector"] == (384,)
    assert view.shapes["all hidden states"] == (7, n, 384)
    np.testing.assert_allclose(view.hidden_states[-1], view.contextual, atol=1e-6)


def test_the_pooled_vector_is_the_sentence_vector(sentence_transformer):
    view = inspect_text("Route this e-mail to billing")
    expected = sentence_transformer.encode(["Route this e-mail to billing"],
                                           normalize_embeddings=False)[0]
    cosine = view.pooled @ expected / np.linalg.norm(view.pooled) / np.linalg.norm(expected)
    assert cosine >= 0.9999


def test_readable_repr_and_html():
    view = inspect_text("hi <b>there</b>")
    assert "word pieces" in repr(view) and "(7, " in repr(view)
    html = view._repr_html_()
    assert "[CLS]" in html and "<b>there</b>" not in html  # text is escaped


def test_a_list_is_refused_with_a_pointer_to_frozen_encoder():
    with pytest.raises(TypeError, match="FrozenEncoder"):
        inspect_text(["two", "texts"])


def test_mean_pool_averages_real_pieces_only():
    import torch

    from encoder_kit.encoding import mean_pool

    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]], [[5.0, 5.0]] * 3])
    mask = torch.tensor([[1, 1, 0], [0, 0, 0]])
    assert mean_pool(hidden, mask).tolist() == [[2.0, 3.0], [0.0, 0.0]]  # no NaN
