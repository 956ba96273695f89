"""The question kinds: shared parts (options, concepts), choice / diagnosis / design,
numeric / shape / code, ordering with its key, the schema that parses any of them, and pools
of versions. Built on :mod:`encoder_kit.questions.draw`; imports nothing from ``files``.

>>> from encoder_kit.questions.kinds.schema import QUESTION_KINDS
>>> "pool" in QUESTION_KINDS or "choice" in QUESTION_KINDS
True
"""
