"""Checks on a student's answer before it is scored.

A bad answer raises ``AnswerError`` whose message names the problem and shows the fix;
the public grading functions turn it into a zero-score ``Result`` carrying that message.

>>> id_list(["a", "b"], "ordering")
['a', 'b']
>>> id_list([], "ordering")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
autograder.answers.AnswerError: The ordering answer is empty: give a list of item ids, e.g. ...
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

ID_LIST_EXAMPLE = '["first_id", "second_id"]'


class AnswerError(ValueError):
    """An answer that cannot be graded as given."""


def id_list(answer: Any, what: str, example: str = ID_LIST_EXAMPLE) -> list[str]:
    """``answer`` as a non-empty list of ids without repeats."""
    if answer is None:
        raise AnswerError(f"No {what} answer was given: give a list of item ids, e.g. {example}.")
    if isinstance(answer, str | bytes) or isinstance(answer, Mapping):
        raise AnswerError(
            f"The {what} answer must be a list of item ids, e.g. {example}, "
            f"not {type(answer).__name__}."
        )
    try:
        ids = list(answer)
    except TypeError:
        raise AnswerError(
            f"The {what} answer must be a list of item ids, e.g. {example}, "
            f"not {type(answer).__name__}."
        ) from None
    if not ids:
        raise AnswerError(f"The {what} answer is empty: give a list of item ids, e.g. {example}.")
    for value in ids:
        if not isinstance(value, str):
            raise AnswerError(
                f"The {what} answer holds {value!r} ({type(value).__name__}); every entry must be "
                f"an item id written as text, e.g. {example}."
            )
    # Counter, not ids.count: a huge answer must not cost quadratic time
    repeated = sorted(value for value, count in Counter(ids).items() if count > 1)
    if repeated:
        raise AnswerError(
            f"The {what} answer lists {', '.join(map(repr, repeated))} more than once; "
            "use each item at most once."
        )
    return ids


def known_ids(ids: list[str], known: Collection[str], what: str) -> None:
    """Raise for the first id that is not one of ``known``."""
    for value in ids:
        if value not in known:
            choices = ", ".join(sorted(known))
            raise AnswerError(
                f"{value!r} is not one of the {what} ({choices}); check the spelling."
            )


def one_id(answer: Any, known: Collection[str], what: str) -> str:
    """``answer`` as a single known id (a one-element list is accepted)."""
    if isinstance(answer, list | tuple) and len(answer) == 1:
        answer = answer[0]
    if answer is None or (isinstance(answer, list | tuple) and not answer) or answer == "":
        raise AnswerError(f"No {what} was chosen: give one id, e.g. {sorted(known)[0]!r}.")
    if not isinstance(answer, str):
        raise AnswerError(
            f"Choose one {what} by its id (text), e.g. {sorted(known)[0]!r}, not {answer!r}."
        )
    known_ids([answer], known, f"{what} ids")
    return answer
