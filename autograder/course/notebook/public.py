"""The public questions file (``encoder-kit-questions.json``) that ``release`` writes.

Its format and the keyless stand-in a student's kernel draws its version from are a contract
between the course and the widgets' submit mode, so they live below both front ends, in
:mod:`encoder_kit.questions.files.released`; this module keeps the names the course imports.

>>> from encoder_kit.questions import find_question
>>> stand_in = PublicQuestion(public_question(find_question("practice-shape-padded-batch")))
>>> sorted(stand_in.variable_specs())
['batch', 'seq_len']
"""

from __future__ import annotations

from encoder_kit.questions.files.released import (
    FORMAT,
    PublicQuestion,
    PublicQuestionError,
    public_question,
    read_public_questions,
    write_public_questions,
)

__all__ = ["FORMAT", "PublicQuestion", "PublicQuestionError", "public_question",
           "read_public_questions", "write_public_questions"]
