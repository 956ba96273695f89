"""autograder: turn a student's answer to an encoder-kit question into a Result.

Public API:

- ``grade(question, answer, variant=None) -> Result`` for any question kind;
- ``check(question_id, answer) -> float`` for nbgrader test cells (prints, never stderr);
- ``grade_order(answer, key, method="dag_lcs") -> Result`` and ``METHODS``;
- ``parse_shape(answer) -> tuple`` and ``grade_shape(answer, expected, variables=None)``;
- ``reference_answer(question, variant=None)``: a full-marks answer (solutions, tests);
- ``Result``; exports ``nbgrader_points``, ``gradescope_results``,
  ``write_gradescope_results`` and ``to_csv``;
- ``autograder.saved.grade_saved``: grade the answers file a notebook saved.

This is the grading engine, layer 3 of docs/architecture.md: it uses the questions
(``encoder_kit.questions``) and the encoder library, never the widgets or the course
workflow (``autograder.course``), which sit above it.

>>> import autograder
>>> autograder.grade_order(["b", "a"], ["a", "b"], method="absolute_position").score
0.0
"""

from .exports import gradescope_results, nbgrader_points, to_csv, write_gradescope_results
from .grade import check, grade
from .ordering import METHODS, grade_order
from .reference import reference_answer
from .result import Result
from .shapes import ShapeError, grade_shape, parse_shape

__all__ = [
    "METHODS",
    "Result",
    "ShapeError",
    "check",
    "grade",
    "grade_order",
    "grade_shape",
    "gradescope_results",
    "nbgrader_points",
    "parse_shape",
    "reference_answer",
    "to_csv",
    "write_gradescope_results",
]
