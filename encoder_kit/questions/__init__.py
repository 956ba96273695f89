"""Questions as data: a YAML schema for seven kinds, pools of versions, a loader, variants.

One question object serves three places: the widget a student clicks
(``student_view()``, never the key), the nbgrader notebook (``autograder.check``) and the
grader (``autograder.grade``). Practice questions ship in ``bank/``; graded questions stay
in instructor folders (see ``find_leaks``). A graded slot may be a ``QuestionPool``
(``kind: pool``): each student draws one of its versions (``Variant.version``).

>>> from encoder_kit.questions import load_bank, make_variant
>>> q = next(q for q in load_bank() if q.kind == "shape" and q.is_variable)
>>> view = q.student_view(make_variant(q, "course", "hw1", "student-7"))
>>> "expected" in view
False
"""

from .draw.variants import (
    Variant,
    default_variant,
    derive_seed,
    expected_variant,
    is_recorded_answer,
    make_variant,
    record_answer,
    variant_from_environment,
)
from .files.leaks import Leak, find_leaks
from .files.loader import (
    QUESTION_PATH_ENV,
    QuestionFormatError,
    QuestionNotFoundError,
    find_question,
    load_bank,
    load_questions,
    parse_questions_text,
)
from .kinds.choice import ChoiceQuestion, DesignQuestion, DiagnosisQuestion
from .kinds.common import CONCEPTS, Option, Variable
from .kinds.order_key import OrderKey
from .kinds.ordering import ORDERING_METHODS, OrderingQuestion
from .kinds.pool import QuestionPool, parse_entry
from .kinds.schema import QUESTION_KINDS, AnyQuestion, Question, parse_question
from .kinds.value import SHAPE_MISTAKES, CodeQuestion, NumericQuestion, ShapeQuestion

__all__ = [
    "CONCEPTS",
    "ORDERING_METHODS",
    "QUESTION_KINDS",
    "QUESTION_PATH_ENV",
    "SHAPE_MISTAKES",
    "AnyQuestion",
    "ChoiceQuestion",
    "CodeQuestion",
    "DesignQuestion",
    "DiagnosisQuestion",
    "Leak",
    "NumericQuestion",
    "Option",
    "OrderKey",
    "OrderingQuestion",
    "Question",
    "QuestionFormatError",
    "QuestionNotFoundError",
    "QuestionPool",
    "ShapeQuestion",
    "Variable",
    "Variant",
    "default_variant",
    "derive_seed",
    "expected_variant",
    "find_leaks",
    "find_question",
    "is_recorded_answer",
    "load_bank",
    "load_questions",
    "make_variant",
    "parse_entry",
    "parse_question",
    "parse_questions_text",
    "record_answer",
    "variant_from_environment",
]
