"""Grade a ``choice`` question: one option, or several with partial credit.

Single answer: 1 for the correct option, else 0. Multiple answers: (right picks - wrong
picks) / number of correct options, never below 0. Feedback gives each chosen option's
feedback and, for multiple answers, how many correct options were left out (not which).

>>> from encoder_kit.questions import parse_question
>>> q = parse_question({"kind": "choice", "id": "demo", "title": "Demo", "concepts": ["C6"],
...     "prompt": "Which vector feeds a sentence-level head?", "explanation": "The pooled one.",
...     "options": [{"id": "pooled", "text": "The pooled vector", "correct": True,
...                  "feedback": "It stands for the whole sequence."},
...                 {"id": "last", "text": "The last token's vector",
...                  "feedback": "It mostly describes the final token, in context."}]})
>>> print(grade_choice_question(q, "last").feedback)
Incorrect: It mostly describes the final token, in context.
"""

from __future__ import annotations

from typing import Any

from .answers import AnswerError, id_list, known_ids, one_id
from .result import Result


def verdict(correct: bool) -> str:
    """The word that opens option feedback."""
    return "Correct" if correct else "Incorrect"


def grade_choice_question(question: Any, answer: Any, variant: Any = None) -> Result:
    """Grade a ``ChoiceQuestion``; see the module docstring for the answer format."""
    options = {option.id: option for option in question.options}
    try:
        if question.multiple:
            listed = [answer] if isinstance(answer, str) else answer
            picked = id_list(listed, "choice", example='["a", "c"]')
            known_ids(picked, options, "option ids")
        else:
            picked = [one_id(answer, options, "option")]
    except AnswerError as error:
        return Result.zero(str(error), max_points=question.points)
    correct = set(question.correct_ids())
    hits, wrong = len(set(picked) & correct), len(set(picked) - correct)
    score = max(0.0, (hits - wrong) / len(correct))
    if not question.multiple:
        option = options[picked[0]]
        feedback = f"{verdict(option.correct)}: {option.feedback}"
    else:
        lines = [
            f"- {options[p].text}: {verdict(options[p].correct)}. {options[p].feedback}"
            for p in picked
        ]
        missed = len(correct - set(picked))
        if missed:
            lines.append(f"You left out {missed} correct option(s).")
        feedback = "\n".join(lines)
    details = {"picked": picked, "right_picks": hits, "wrong_picks": wrong}
    return Result(score=score, max_points=question.points, feedback=feedback, details=details)
