"""Write the course's nbgrader source notebooks (exercises/source/*/*.ipynb).

The notebooks are ordinary nbgrader source notebooks; this script only keeps them in step
with the question files (ids, points, rubric). Edit the specs below, then run

    python exercises/tools/build_sources.py

and check the result with `nbgrader validate` (see docs/course.md). Cell ids are stable, so
rebuilding an unchanged spec gives an identical file.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

COURSE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(COURSE.parent))

SETUP = "from autograder.course import answer, check_answered, show"

HOW_TO = (
    "**How to answer.** Run the cell under each question: it shows *your* version of the "
    "question (some numbers differ from student to student). Then replace "
    "`raise NotImplementedError()` in the answer cell with `answer(\"<question id>\", "
    "<your answer>)`. Answers are saved in `encoder-kit-answers.json` beside this notebook "
    "(answers you give with a widget go there too): hand that file in with the notebook. The "
    "test cell under an answer only checks that an answer is saved; grading happens after you "
    "submit, with hidden tests."
)


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          task: bool = False, points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": 3, "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


class Builder:
    """Collects cells with stable ids."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.cells: list[Any] = []

    def _add(self, cell: Any, cell_id: str) -> None:
        cell.id = cell_id
        self.cells.append(cell)

    def md(self, text: str) -> None:
        self._add(new_markdown_cell(text.strip()), f"md-{len(self.cells):02d}")

    def code(self, text: str) -> None:
        self._add(new_code_cell(text.strip()), f"code-{len(self.cells):02d}")

    def locked_code(self, grade_id: str, text: str) -> None:
        self._add(new_code_cell(text.strip(), metadata=_meta(grade_id, locked=True)), grade_id)

    def answer(self, grade_id: str, solution: str) -> None:
        source = f"### BEGIN SOLUTION\n{solution.strip()}\n### END SOLUTION"
        self._add(new_code_cell(source, metadata=_meta(grade_id, solution=True)), grade_id)

    def test(self, grade_id: str, points: float, public: str, hidden: str) -> None:
        parts = [public.strip()] if public.strip() else []
        if hidden.strip():
            parts.append(f"### BEGIN HIDDEN TESTS\n{hidden.strip()}\n### END HIDDEN TESTS")
        cell = new_code_cell("\n".join(parts),
                             metadata=_meta(grade_id, grade=True, locked=True, points=points))
        self._add(cell, grade_id)

    def task(self, grade_id: str, points: float, text: str) -> None:
        cell = new_markdown_cell(text.strip(),
                                 metadata=_meta(grade_id, task=True, locked=True, points=points))
        self._add(cell, grade_id)

    def question(self, question: Any, number: int, solution: str, intro: str = "",
                 shown_as: str | None = None) -> None:
        """Heading, the show() cell, the answer cell and the test cell of one question."""
        self.md(f"## Question {number}: {question.title} ({question.points:g} points)\n\n"
                f"{intro}".strip())
        call = f'show("{question.id}")'
        self.code(f"{shown_as} = {call}" if shown_as else call)
        self.answer(f"answer-{question.id}", solution)
        self.test(f"test-{question.id}", question.points,
                  public=f'check_answered("{question.id}")',
                  hidden=f'from autograder.course import grade_cell\n\ngrade_cell("{question.id}")')

    def write(self, assignment: str) -> Path:
        nb = new_notebook(cells=self.cells, metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        })
        folder = COURSE / "source" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.ipynb"
        nbformat.write(nb, path)
        return path


def _questions() -> dict[str, Any]:
    from encoder_kit.questions import load_questions

    found = load_questions(COURSE / "questions") + load_questions(COURSE / "code-questions")
    return {q.id: q for q in found}


def _reference(question: Any) -> str:
    from autograder import reference_answer

    return repr(reference_answer(question))


def build_hw1(q: dict[str, Any]) -> Path:
    b = Builder("hw1-pipeline")
    b.md("# Homework 1: from text to a prediction\n\nConcepts: C1 (the application pipeline), "
         "C2 (pre-training and adaptation), C5 (inside the encoder), C6 and C9 (BERT's "
         "sentence vector).\n\n" + HOW_TO)
    b.locked_code("setup", SETUP)
    order = q["hw1-order-encoder-steps"]
    b.question(order, 1, f'answer("{order.id}", {_reference(order)})',
               intro="Give the item ids in order, first step first, e.g. "
                     '`answer("hw1-order-encoder-steps", ["pieces", ...])`. Steps that belong '
                     "nowhere stay out. A partly right order earns partial credit.")
    stages = q["hw1-choice-two-stages"]
    b.question(stages, 2, f'answer("{stages.id}", {_reference(stages)})',
               intro="Give the id of one option.")
    tokens = q["hw1-numeric-special-tokens"]
    b.question(tokens, 3, f'answer("{tokens.id}", q3["pieces"] + 2)', shown_as="q3",
               intro="Your numbers differ from your neighbour's. Give a whole number.")
    vector = q["hw1-choice-sentence-vector"]
    b.question(vector, 4, f'answer("{vector.id}", {_reference(vector)})',
               intro="Give the id of one option.")
    return b.write("hw1-pipeline")


def build_hw2(q: dict[str, Any]) -> Path:
    b = Builder("hw2-shapes")
    b.md("# Homework 2: shapes and contextual vectors\n\nConcepts: C4 (output shapes), C6 "
         "(reading the encoder's output), C7 (layer-wise hidden states), C8 (masked language "
         "modelling).\n\nShapes are lists of whole numbers, e.g. `[4, 30, 384]`; your numbers "
         "differ from your neighbour's.\n\n" + HOW_TO)
    b.locked_code("setup", SETUP)
    minilm = q["hw2-shape-minilm-batch"]
    b.question(minilm, 1, f'answer("{minilm.id}", [q1["batch"], q1["seq_len"], 384])',
               shown_as="q1")
    stacked = q["graded-shape-hidden-states"]
    b.question(stacked, 2, f'answer("{stacked.id}", [13, q2["batch"], q2["seq_len"], 768])',
               shown_as="q2")
    masking = q["graded-numeric-masking"]
    b.question(masking, 3, f'answer("{masking.id}", q3["positions"] * 0.15 * 0.1)',
               shown_as="q3", intro="Give a number.")
    same = q["hw2-choice-same-word"]
    b.question(same, 4, f'answer("{same.id}", {_reference(same)})',
               intro="Give the id of one option.")
    return b.write("hw2-shapes")


def build_hw3(q: dict[str, Any]) -> Path:
    b = Builder("hw3-adaptation")
    b.md("# Homework 3: adapting an encoder, and runs that fail\n\nConcepts: C3 (fine-tuning "
         "or a fixed feature extractor), C11 (diagnosing a failed training run).\n\nA "
         'diagnosis answer names a cause and a fix: `{"cause": "<id>", "fix": "<id>"}`.\n\n'
         + HOW_TO)
    b.locked_code("setup", SETUP)
    for number, qid in enumerate(("graded-choice-adaptation", "hw3-choice-frozen-when",
                                  "graded-diagnosis-truncation", "hw3-diagnosis-learning-rate"),
                                 start=1):
        question = q[qid]
        b.question(question, number, f'answer("{qid}", {_reference(question)})')
    return b.write("hw3-adaptation")


def build_hw4(q: dict[str, Any]) -> Path:
    from autograder.course.checks import CLASSIFIER_ACCURACY_BAR

    accuracy, frozen = q["hw4-code-classifier-accuracy"], q["hw4-code-classifier-frozen"]
    b = Builder("hw4-classifier")
    b.md("# Homework 4: route city requests with a frozen encoder\n\nConcepts: C1 (encoder "
         "plus head), C3 (a fixed feature extractor), C6 (sentence vectors).\n\nA city council "
         "receives messages from residents and routes each to one department: `noise`, "
         "`parks`, `roads`, `waste` or `water`. Build a classifier `clf` that reads frozen "
         "all-MiniLM-L6-v2 sentence vectors and trains only a head on the 300 labelled "
         "messages below.\n\n"
         f"- **{accuracy.points:g} points**: `clf` routes at least "
         f"{CLASSIFIER_ACCURACY_BAR:.0%} of the instructor's 150 hidden messages correctly;\n"
         f"- **{frozen.points:g} points**: `clf` encodes with `FrozenEncoder` and the "
         "pre-trained weights, unchanged (train only the head);\n"
         "- **1 point**: a public test you can run now.\n\n"
         "Encoding the 300 messages takes a minute the first time and is cached after that.")
    b.locked_code("data", "from encoder_kit.data.exercises import CITY_REQUEST_LABELS, "
                          "load_city_requests\n\ntexts, labels = load_city_requests()\n"
                          "print(len(texts), 'messages, e.g.', repr(texts[0]), '->', labels[0])")
    b.md("## Build and train `clf`\n\nUse `encoder_kit.make_classifier()` or a pipeline of "
         "`encoder_kit.FrozenEncoder()` and a scikit-learn head, and fit it on all the data.")
    b.answer("answer-classifier", "from encoder_kit import make_classifier\n\n"
                                  "clf = make_classifier().fit(texts, labels)")
    b.test("test-classifier-public", 1,
           public="predicted = list(clf.predict(texts[:5]))\n"
                  "assert len(predicted) == 5, 'predict must return one label per message'\n"
                  "unknown = set(map(str, predicted)) - set(CITY_REQUEST_LABELS)\n"
                  "assert not unknown, f'clf predicts labels that are not departments: "
                  "{unknown}'\n"
                  "print('Public test passed: one known department per message.')",
           hidden="")
    b.test(f"test-{accuracy.id}", accuracy.points, public="",
           hidden=f'from autograder.course import grade_cell\n\ngrade_cell("{accuracy.id}", clf)')
    b.test(f"test-{frozen.id}", frozen.points, public="",
           hidden=f'from autograder.course import grade_cell\n\ngrade_cell("{frozen.id}", clf)')
    return b.write("hw4-classifier")


def build_hw5(q: dict[str, Any]) -> Path:
    from autograder.course.checks import TAGGER_F1_BAR

    design, diagnosis, f1 = (q["hw5-design-ner"], q["hw5-diagnosis-sentence-head"],
                             q["hw5-code-tagger-f1"])
    b = Builder("hw5-ner")
    b.md("# Homework 5: named-entity recognition\n\nConcepts: C10 (system design for "
         "token-level tasks), C11 (diagnosing a failed run).\n\n" + HOW_TO)
    b.locked_code("setup", SETUP)
    reference = dict(
        components=list(design.required),
        connections=[[c.source, c.target] for c in design.connections],
        justification=" ".join(point.text for point in design.justification.rubric),
    )
    b.question(design, 1, f'answer("{design.id}", {reference!r})',
               intro='Answer with `{"components": [ids], "connections": [[from_id, to_id], '
                     '...], "justification": "..."}`. Components and connections are graded '
                     "automatically; the justification is graded by hand (below).")
    rubric = "\n".join(f"- ({p.points:g} point) {' '.join(p.text.split())}"
                       for p in design.justification.rubric)
    b.task("task-hw5-design-justification", design.justification.points,
           f"### Justification ({design.justification.points:g} points, graded by hand)\n\n"
           f"{' '.join(design.justification.prompt.split())}\n\nWrite it in the "
           "`justification` field of your design answer above.\n\n"
           f"=== BEGIN MARK SCHEME ===\n\nRubric for graders:\n\n{rubric}\n\n"
           "=== END MARK SCHEME ===")
    b.question(diagnosis, 2, f'answer("{diagnosis.id}", {_reference(diagnosis)})',
               intro='Give `{"cause": "<id>", "fix": "<id>"}`.')
    b.md(f"## Question 3: {f1.title} ({f1.points + 1:g} points)\n\nTrain a tagger `tagger` on "
         "the 249 news sentences below (one IOB2 tag per word: `PER`, `LOC`, `ORG`). It must "
         f"reach an entity-level F1 of {TAGGER_F1_BAR:.2f} on the instructor's 100 hidden "
         f"sentences ({f1.points:g} points); a public test checks its output (1 point).")
    b.locked_code("data-ner", "from encoder_kit.data.exercises import load_ner_train\n\n"
                              "sentences, tags = load_ner_train()\n"
                              "print(len(sentences), 'sentences, e.g.', "
                              "list(zip(sentences[0], tags[0])))")
    b.answer("answer-tagger", "from encoder_kit import TokenTagger\n\n"
                              "tagger = TokenTagger().fit(sentences, tags)")
    b.test("test-tagger-public", 1,
           public="predicted = tagger.predict(sentences[:3])\n"
                  "assert [len(p) for p in predicted] == [len(s) for s in sentences[:3]], "
                  "'predict must give one tag per word'\n"
                  "allowed = {'O'} | {f'{p}-{t}' for p in 'BI' for t in ('PER', 'LOC', 'ORG')}\n"
                  "assert {t for p in predicted for t in p} <= allowed, 'unknown tags'\n"
                  "print('Public test passed: one IOB2 tag per word.')",
           hidden="")
    b.test(f"test-{f1.id}", f1.points, public="",
           hidden=f'from autograder.course import grade_cell\n\ngrade_cell("{f1.id}", tagger)')
    return b.write("hw5-ner")


def main() -> int:
    os.environ["ENCODER_KIT_QUESTION_PATH"] = os.pathsep.join(
        [str(COURSE / "questions"), str(COURSE / "code-questions")])
    questions = _questions()
    from autograder.course.coursedir import Course
    from autograder.course.public import write_public_questions
    from autograder.course.release import check_source

    course = Course.open(COURSE)
    for build in (build_hw1, build_hw2, build_hw3, build_hw4, build_hw5):
        path = build(questions)
        # what `encoder-kit course release` writes too; here so that plain nbgrader releases it
        used, problems = check_source(course, path.parent.name)
        if problems:
            raise SystemExit("\n".join(problems))
        write_public_questions([q for q in used if q.kind != "code"], path.parent,
                               course.course_id, path.parent.name)
        print("wrote", path.relative_to(COURSE.parent), "and its encoder-kit-questions.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
