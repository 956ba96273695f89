"""Write the sample submissions in tests/fixtures/submissions/<assignment>/<student>/.

Each sample starts from the released notebook (generated here in a scratch copy of the
course) with the answer cells filled in as that student did, plus the files the student
handed in. Run it again whenever a source notebook changes:

    python exercises/tools/build_fixtures.py

What each sample is goes to README.json beside them; the score each must get is worked out
from the grading rules in tests/test_course_roundtrip.py (not taken from a grader run).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat

COURSE = Path(__file__).resolve().parents[1]
REPO = COURSE.parent
OUT = REPO / "tests" / "fixtures" / "submissions"
sys.path.insert(0, str(REPO))

TIMESTAMP = "2025-03-03 09:15:00.000000 UTC"
ORDER = '["pieces", "ids", "embed", "position", "layers", "pool", "head"]'
ORDER_SWAPPED = '["pieces", "ids", "position", "embed", "layers", "pool", "head"]'
HW1 = "hw1-pipeline"
HW4 = "hw4-classifier"


def _a(question_id: str, value: str) -> str:
    return f'answer("{question_id}", {value})'


HW1_CORRECT = {
    "answer-hw1-order-encoder-steps": _a("hw1-order-encoder-steps", ORDER),
    "answer-hw1-choice-two-stages": _a("hw1-choice-two-stages", '"a"'),
    "answer-hw1-numeric-special-tokens": _a("hw1-numeric-special-tokens", 'q3["pieces"] + 2'),
    "answer-hw1-choice-sentence-vector": _a("hw1-choice-sentence-vector", '"cls"'),
}
# widget users answered the ordering and the two-stages questions in the widget
HW1_WIDGET_NOTEBOOK = {
    "answer-hw1-numeric-special-tokens": HW1_CORRECT["answer-hw1-numeric-special-tokens"],
    "answer-hw1-choice-sentence-vector": HW1_CORRECT["answer-hw1-choice-sentence-vector"],
}

HW1_STUDENTS: dict[str, dict[str, Any]] = {
    "ada": {"cells": HW1_CORRECT, "why": "fully correct"},
    "ben": {
        "cells": {
            **HW1_CORRECT,
            "answer-hw1-order-encoder-steps": _a("hw1-order-encoder-steps", ORDER_SWAPPED),
            "answer-hw1-choice-two-stages": _a("hw1-choice-two-stages", '"b"'),
        },
        "why": "partly correct: two steps swapped (5 of 7 in order), a wrong choice",
    },
    "cam": {"cells": {}, "why": "blank: the released notebook handed in unchanged"},
    "dan": {
        "cells": {
            **HW1_CORRECT,
            "answer-hw1-order-encoder-steps":
                'answer("hw1-order-encoder-steps", [pieces, ids, embed])  # NameError',
            "answer-hw1-numeric-special-tokens":
                'answer("hw1-numeric-special-tokens", q3["pieces"] / 0)',
        },
        "why": "two answer cells raise errors (NameError, ZeroDivisionError)",
    },
    "eve": {
        "cells": {
            key: "import sys, warnings\nwarnings.warn('this answer was written in a hurry')\n"
                 "print('working on it', file=sys.stderr)\n" + value
            for key, value in HW1_CORRECT.items()
        },
        "why": "correct, with warnings and other text on stderr in every answer cell",
    },
    "fay": {"cells": HW1_WIDGET_NOTEBOOK, "answers": "widget",
            "why": "two questions answered in the widget; the answers file is handed in"},
    "gus": {"cells": HW1_WIDGET_NOTEBOOK, "answers": None,
            "why": "two questions answered in the widget; the answers file is missing"},
    "hal": {"cells": HW1_WIDGET_NOTEBOOK, "answers": "malformed",
            "why": "two questions answered in the widget; the answers file is cut short"},
}

HW4_CORRECT = "from encoder_kit import make_classifier\n\nclf = make_classifier().fit(texts, labels)"
HW4_STUDENTS: dict[str, dict[str, Any]] = {
    "ada": {"cells": {"answer-classifier": HW4_CORRECT}, "why": "fully correct"},
    "ben": {
        "cells": {"answer-classifier": "from encoder_kit import make_classifier\n\n"
                                       "clf = make_classifier().fit(texts[:20], labels[:20])"},
        "why": "trains the head on 20 messages only: below the accuracy bar",
    },
    "cam": {"cells": {}, "why": "blank"},
    "eve": {
        "cells": {"answer-classifier":
                  "import sys\nimport warnings\n\nfrom sklearn.linear_model import "
                  "LogisticRegression\n\nfrom encoder_kit import make_classifier\n\n\n"
                  "class NoisyHead(LogisticRegression):\n"
                  "    def predict(self, X):\n"
                  "        warnings.warn('NoisyHead is about to predict')\n"
                  "        print(f'predicting {len(X)} messages', file=sys.stderr)\n"
                  "        return super().predict(X)\n\n\n"
                  "clf = make_classifier(head=NoisyHead(C=10, max_iter=2000)).fit(texts, "
                  "labels)"},
        "why": "correct, but its head warns and prints to stderr inside the test cells",
    },
    "ivy": {
        "cells": {"answer-classifier":
                  "from sklearn.feature_extraction.text import TfidfVectorizer\n"
                  "from sklearn.linear_model import LogisticRegression\n"
                  "from sklearn.pipeline import make_pipeline\n\n"
                  "clf = make_pipeline(TfidfVectorizer(), LogisticRegression(C=10, "
                  "max_iter=2000)).fit(texts, labels)"},
        "why": "no frozen encoder (bag of words): fails the frozen check and the bar",
    },
}


def _widget_answers(student: str) -> dict[str, Any]:
    """The answers file the widgets would have written for ``student``."""
    from encoder_kit.widgets.answers import FORMAT, VERSION

    return {"format": FORMAT, "version": VERSION, "answers": {
        "hw1-order-encoder-steps": {
            "question_id": "hw1-order-encoder-steps", "kind": "ordering",
            "answer": json.loads(ORDER), "variant": None, "attempts": 2,
            "saved_at": "2025-03-02T20:11:05Z", "score": None},
        "hw1-choice-two-stages": {
            "question_id": "hw1-choice-two-stages", "kind": "choice", "answer": "a",
            "variant": None, "attempts": 1, "saved_at": "2025-03-02T20:12:40Z",
            "score": None},
    }}


def _write_student(released: Path, target: Path, spec: dict[str, Any], student: str) -> None:
    notebook_path = next(released.glob("*.ipynb"))
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in spec["cells"]:
            cell.source = spec["cells"][grade_id]
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / notebook_path.name)
    for extra in released.iterdir():
        if extra.suffix != ".ipynb":
            shutil.copy(extra, target / extra.name)
    (target / "timestamp.txt").write_text(TIMESTAMP + "\n")
    kind = spec.get("answers")
    answers = target / "encoder-kit-answers.json"
    if kind == "widget":
        answers.write_text(json.dumps(_widget_answers(student), indent=1))
    elif kind == "malformed":
        text = json.dumps(_widget_answers(student), indent=1)
        answers.write_text(text[: len(text) // 2])


def main() -> int:
    from autograder.course.coursedir import Course
    from autograder.course.release import release

    scratch = Path(tempfile.mkdtemp(prefix="encoder-kit-fixtures-"))
    try:
        shutil.copytree(COURSE / "source", scratch / "source")
        shutil.copy(COURSE / "nbgrader_config.py", scratch / "nbgrader_config.py")
        for name in ("questions", "code-questions", "hidden"):
            shutil.copytree(COURSE / name, scratch / name)
        course = Course.open(scratch)
        for assignment, students in ((HW1, HW1_STUDENTS), (HW4, HW4_STUDENTS)):
            released = release(course, assignment).release_dir
            shutil.rmtree(OUT / assignment, ignore_errors=True)
            for student, spec in students.items():
                _write_student(released, OUT / assignment / student, spec, student)
            notes = {s: spec["why"] for s, spec in students.items()}
            (OUT / assignment / "README.json").write_text(json.dumps(notes, indent=1) + "\n")
            print(f"wrote {len(students)} sample submissions of {assignment} to "
                  f"{(OUT / assignment).relative_to(REPO)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
