"""What each student draws: variables and their values, symbolic expressions, the variant
(seeded per course, assignment, student and slot). The bottom of the questions layer: it
imports nothing from ``kinds`` or ``files``.

>>> from encoder_kit.questions.draw.variants import derive_seed
>>> derive_seed("course", "hw1", "ada", "q1") == derive_seed("course", "hw1", "ada", "q1")
True
"""
