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

from autograder.course.notebook.student import (  # noqa: E402 (after the path is set)
    BEFORE_YOU_SUBMIT_MARKDOWN,
    BEFORE_YOU_SUBMIT_TEST,
    NOTEBOOK_SETUP,
)

# the setup cell: the widgets' `show` (Save, no score) and `answer` for answers in code
SETUP = NOTEBOOK_SETUP


# hw4's solution (the sample submissions of exercises/tools/build_fixtures.py answer with it
# too): compare three heads on the course folds, then fit the best on all the data
HW4_COMPARISON = (
    "from sklearn.model_selection import cross_val_score\n"
    "from sklearn.neighbors import KNeighborsClassifier\n"
    "from sklearn.svm import SVC\n\n"
    "from encoder_kit import make_classifier\n\n"
    "candidates = {\n"
    "    \"logreg\": make_classifier(),\n"
    "    \"svc\": make_classifier(head=SVC(C=10)),\n"
    "    \"knn\": make_classifier(head=KNeighborsClassifier(n_neighbors=5)),\n"
    "}\n"
    "cv_scores = {name: float(cross_val_score(model, texts, labels, cv=folds).mean())\n"
    "             for name, model in candidates.items()}\n"
    "cv_scores")
HW4_CHOOSE = ("from sklearn.base import clone\n\n"
              "best = max(cv_scores, key=cv_scores.get)\n"
              "clf = clone(candidates[best]).fit(texts, labels)\n"
              "print('chosen:', best)")

HOW_TO = (
    "**How to answer.** Run the cell under each question: it shows *your* version of the "
    "question (the scenario and the numbers differ from student to student). Answer in the "
    "widget and press **Save**, or, in the answer cell under it, write "
    "`answer(\"<question id>\", <your answer>)` and run it. Either way the answer goes to "
    "`encoder-kit-answers.json` beside this notebook: hand that file in with the notebook. "
    "Saving again replaces your earlier answer. When you reopen the notebook, run its cells "
    "again (from the top) to see your saved answers in the widgets. The test cell under an "
    "answer only checks that an answer is saved; grading happens after you submit, with "
    "hidden tests. At the end, run the cell under **Before you submit**: it lists what is "
    "still missing."
)

#: the solution of a question whose right answer depends on the version a student draws
#: (stripped at release; see autograder/course/notebook/solutions.py)
SOLUTION_IMPORT = "from autograder.course.notebook.solutions import solution_for"


def solution_table(question: Any) -> str:
    """``{version id: right answer}`` of ``question`` as Python source, one version a line.

    The table travels in the solution cell, so the source notebook earns full marks even where
    the kernel sees no key (a graded copy of it); numeric and shape versions give their
    ``expected`` expression, which ``solution_for`` evaluates with the student's numbers.
    """
    from autograder import reference_answer

    members = list(getattr(question, "versions", None) or [question])
    lines = []
    for member in members:
        key = member.expected if member.kind in ("numeric", "shape") else reference_answer(member)
        lines.append(f"    {member.id!r}: {key!r},")
    return "{\n" + "\n".join(lines) + "\n}"


def drawn_solution(question: Any, wrap: str = "{}") -> str:
    """A solution cell's code: answer the version the running identity draws. ``wrap``
    places the drawn answer in a larger expression (``{}`` stands for it)."""
    drawn = f'solution_for("{question.id}", {solution_table(question)})'
    return (f"{SOLUTION_IMPORT}\n\n# the right answer of every version; solution_for picks "
            f'the one drawn here\nanswer("{question.id}", {wrap.replace("{}", drawn)})')


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

    def answer(self, grade_id: str, solution: str, comment: str = "") -> None:
        """A solution cell; ``comment`` (kept at release, above the stub) tells the student
        how to answer here."""
        source = f"### BEGIN SOLUTION\n{solution.strip()}\n### END SOLUTION"
        if comment:
            source = f"# {comment.strip()}\n{source}"
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

    def question(self, question: Any, number: int, solution: str | None = None,
                 intro: str = "", shown_as: str | None = None) -> None:
        """Heading, the show() cell, the answer cell and the test cell of one question.

        Without ``solution`` the solution cell answers the drawn version
        (:func:`drawn_solution`); numeric and shape questions give theirs as a formula of
        the shown numbers.
        """
        self.md(f"## Question {number}: {question.title} ({question.points:g} points)\n\n"
                f"{intro}".strip())
        call = f'show("{question.id}")'
        self.code(f"{shown_as} = {call}" if shown_as else call)
        self.answer(f"answer-{question.id}", solution or drawn_solution(question),
                    comment="Answer in the widget above (press Save), or here: "
                            f'answer("{question.id}", ...)')
        self.test(f"test-{question.id}", question.points,
                  public=f'check_answered("{question.id}")',
                  hidden=f'from autograder.course import grade_cell\n\ngrade_cell("{question.id}")')

    def before_you_submit(self) -> None:
        """The last cells of an assignment: what is answered, what is missing (0 points)."""
        self.md(BEFORE_YOU_SUBMIT_MARKDOWN)
        self.test("test-before-you-submit", 0, public=BEFORE_YOU_SUBMIT_TEST, hidden="")

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


CHOICE = "Give the id of one option."
DIAGNOSIS = 'Give `{"cause": "<id>", "fix": "<id>"}` with ids of your version.'


def build_hw1(q: dict[str, Any]) -> Path:
    b = Builder("hw1-pipeline")
    b.md("# Homework 1: from text to a prediction\n\nConcepts: C1 (the application pipeline), "
         "C2 (pre-training and adaptation), C5 (inside the encoder), C6 and C9 (BERT's "
         "sentence vector).\n\n" + HOW_TO)
    b.locked_code("setup", SETUP)
    b.question(q["hw1-order-encoder-steps"], 1,
               intro="Give the step ids of your version in order, first step first, e.g. "
                     '`answer("hw1-order-encoder-steps", ["<first id>", "<second id>", ...])`. '
                     "Steps that belong nowhere stay out. A partly right order earns partial "
                     "credit.")
    b.question(q["hw1-choice-two-stages"], 2, intro=CHOICE)
    tokens = q["hw1-numeric-special-tokens"]
    b.question(tokens, 3, f'answer("{tokens.id}", q3["pieces"] + 2)', shown_as="q3",
               intro="Your numbers differ from your neighbour's. Give a whole number.")
    b.question(q["hw1-choice-sentence-vector"], 4, intro=CHOICE)
    b.before_you_submit()
    return b.write("hw1-pipeline")


def build_hw2(q: dict[str, Any]) -> Path:
    b = Builder("hw2-shapes")
    b.md("# Homework 2: shapes, contextual vectors and pre-training\n\nConcepts: C4 (output "
         "shapes), C6 (reading the encoder's output), C7 (layer-wise hidden states), C8 "
         "(masked language modelling).\n\nShapes are lists of whole numbers, e.g. "
         "`[4, 30, 384]`; your numbers differ from your neighbour's.\n\n" + HOW_TO)
    b.locked_code("setup", SETUP)
    b.question(q["hw2-shape-one-sequence"], 1,
               intro="One sequence, no batch: give the shape as a list of whole numbers.")
    minilm = q["hw2-shape-minilm-batch"]
    b.question(minilm, 2, f'answer("{minilm.id}", [q2["batch"], q2["seq_len"], 384])',
               shown_as="q2")
    stacked = q["graded-shape-hidden-states"]
    b.question(stacked, 3, f'answer("{stacked.id}", [13, q3["batch"], q3["seq_len"], 768])',
               shown_as="q3")
    b.question(q["hw2-choice-same-word"], 4, intro=CHOICE)
    b.question(q["hw2-choice-probing"], 5, intro="Read the table of your version. " + CHOICE)
    b.question(q["hw2-choice-mlm"], 6, intro=CHOICE)
    masking = q["graded-numeric-masking"]
    b.question(masking, 7, f'answer("{masking.id}", q7["positions"] * 0.15 * 0.1)',
               shown_as="q7", intro="Give a number.")
    b.before_you_submit()
    return b.write("hw2-shapes")


def build_hw3(q: dict[str, Any]) -> Path:
    b = Builder("hw3-adaptation")
    b.md("# Homework 3: adapting an encoder, and runs that fail\n\nConcepts: C1 (encoder "
         "plus head), C2 (the two stages), C3 (fine-tuning or a fixed feature extractor: "
         "which one a measured comparison supports, what fine-tuning costs, what it can make "
         "the encoder forget), C11 (diagnosing a failed training run).\n\nA diagnosis answer "
         'names a cause and a fix: `{"cause": "<id>", "fix": "<id>"}`.\n\n' + HOW_TO)
    b.locked_code("setup", SETUP)
    b.question(q["hw3-order-two-stage"], 1,
               intro="Give the step ids of your version in order, first step first; steps "
                     "that belong to another process stay out. A partly right order earns "
                     "partial credit.")
    b.question(q["hw3-choice-what-training-changes"], 2, intro=CHOICE)
    b.question(q["hw3-choice-frozen-architecture"], 3, intro=CHOICE)
    b.question(q["graded-choice-adaptation"], 4, intro=CHOICE)
    b.question(q["hw3-choice-frozen-when"], 5, intro=CHOICE)
    b.question(q["hw3-choice-measured-tradeoff"], 6,
               intro="Read the measured table and the constraint of your version. " + CHOICE)
    b.question(q["hw3-numeric-fine-tune-cost"], 7,
               intro="Your version and its numbers differ from your neighbour's. Give a number "
                     "in the unit your version asks for.")
    b.question(q["graded-diagnosis-truncation"], 8, intro=DIAGNOSIS)
    b.question(q["hw3-diagnosis-learning-rate"], 9, intro=DIAGNOSIS)
    b.question(q["hw3-diagnosis-forgetting"], 10, intro=DIAGNOSIS)
    b.before_you_submit()
    return b.write("hw3-adaptation")


def build_hw4(q: dict[str, Any]) -> Path:
    from autograder.course.checks import (
        CHOICE_MARGIN,
        CLASSIFIER_ACCURACY_BAR,
        CV_FOLDS,
        CV_TOLERANCE,
    )

    comparison, choice = q["hw4-code-cv-comparison"], q["hw4-code-model-choice"]
    accuracy, frozen = q["hw4-code-classifier-accuracy"], q["hw4-code-classifier-frozen"]
    folds = ", ".join(f"{k}={v!r}" for k, v in CV_FOLDS.items())
    b = Builder("hw4-classifier")
    b.md("# Homework 4: route city requests with a frozen encoder\n\nConcepts: C1 (encoder "
         "plus head), C3 (a fixed feature extractor), C6 (sentence vectors).\n\nA city council "
         "receives messages from residents and routes each to one department: `noise`, "
         "`parks`, `roads`, `waste` or `water`. You will build the router the way a project "
         "would: propose at least two candidate classifiers, compare them by cross-validation "
         "on the 300 labelled messages, pick the best, and submit it as `clf`. Every "
         "candidate reads frozen all-MiniLM-L6-v2 sentence vectors and trains only a head; "
         "candidates differ in their head (logistic regression, an SVM, nearest neighbours) "
         "or its settings (e.g. `C`).\n\n"
         "**Graded on evidence.** After you submit, the grader runs your comparison again on "
         "the same folds and checks the figures you report; it refits your `clf` on the "
         "training messages to check that it learnt from them alone; then it scores `clf` on "
         "150 hidden messages you never see.\n\n"
         f"- **{comparison.points:g} points**: your reported cross-validated accuracies match "
         f"the grader's re-run within {CV_TOLERANCE:g} (a share per candidate);\n"
         f"- **{choice.points:g} point**: `clf` is the candidate that scored best (within "
         f"{CHOICE_MARGIN:g}), fit on all 300 messages;\n"
         f"- **{accuracy.points:g} points**: `clf`, trained on the 300 messages alone, routes "
         f"at least {CLASSIFIER_ACCURACY_BAR:.0%} of the hidden messages correctly;\n"
         f"- **{frozen.points:g} points**: `clf` encodes with `FrozenEncoder` and the "
         "pre-trained weights, unchanged (train only the head);\n"
         "- **1 point**: a public test you can run now.\n\n"
         "Encoding the 300 messages takes a minute the first time and is cached after that; "
         "each cross-validation then takes a second or two.")
    b.locked_code("data", "from sklearn.model_selection import StratifiedKFold\n\n"
                          "from encoder_kit.data.exercises import CITY_REQUEST_LABELS, "
                          "load_city_requests\n\ntexts, labels = load_city_requests()\n"
                          "print(len(texts), 'messages, e.g.', repr(texts[0]), '->', labels[0])\n"
                          "\n# the folds of your comparison: the grader re-runs it on these\n"
                          f"folds = StratifiedKFold({folds})")
    b.md("## Step 1: compare candidates by cross-validation\n\n"
         "**Why.** The hidden messages are the instructor's; the only labelled data you have "
         "is the 300 messages above. To choose between models without fooling yourself, "
         "score each on messages it was not trained on: 5-fold cross-validation trains on "
         "four fifths of the data and tests on the fifth left out, five times, and averages. "
         "The same folds for every candidate make the comparison fair.\n\n"
         "**What to write.** `candidates`: a dict of two to six *unfitted* models, each a "
         "whole pipeline (encoder and head), e.g. `make_classifier()` (logistic regression), "
         "`make_classifier(head=KNeighborsClassifier())`, `make_classifier(head=SVC())` or "
         "`make_classifier(head=LinearSVC())`. `cv_scores`: the mean accuracy you measured for "
         "each, with `cross_val_score(model, texts, labels, cv=folds).mean()`.\n\n"
         "**Example.** `candidates = {\"logreg\": make_classifier(), \"knn\": "
         "make_classifier(head=KNeighborsClassifier())}` gives `cv_scores` like "
         "`{\"logreg\": 0.92, \"knn\": 0.92}` (your figures are what *you* measure).\n\n"
         "**Common mistakes.** Reporting figures from memory or from another run (the grader "
         "re-runs each candidate on `folds` and compares); a head with randomness and no "
         "fixed `random_state` (the re-run then differs); reading or guessing labels for any "
         "message that is not in `texts`.")
    b.answer("answer-candidates", HW4_COMPARISON)
    b.md("## Step 2: pick the best and train it on all the data\n\n"
         "The folds were for choosing. Now fit the winner on all 300 messages (more data, a "
         "better head) and call it `clf`. Build it as that candidate, with the same class and "
         "parameters: `clone(candidates[name])` gives an unfitted copy. Fit it on `texts, "
         "labels` and nothing else.")
    b.answer("answer-classifier", HW4_CHOOSE)
    b.test("test-classifier-public", 1,
           public="predicted = list(clf.predict(texts[:5]))\n"
                  "assert len(predicted) == 5, 'predict must return one label per message'\n"
                  "unknown = set(map(str, predicted)) - set(CITY_REQUEST_LABELS)\n"
                  "assert not unknown, f'clf predicts labels that are not departments: "
                  "{unknown}'\n"
                  "print('Public test passed: one known department per message.')",
           hidden="")
    evidence = '{name: globals().get(name) for name in ("candidates", "cv_scores", "clf")}'
    for question, argument in ((comparison, evidence), (choice, evidence), (accuracy, "clf"),
                               (frozen, "clf")):
        b.test(f"test-{question.id}", question.points, public="",
               hidden="from autograder.course import grade_cell\n\n"
                      f'grade_cell("{question.id}", {argument})')
    b.md(BEFORE_YOU_SUBMIT_MARKDOWN)
    b.test("test-before-you-submit", 0, public=BEFORE_YOU_SUBMIT_TEST, hidden="")
    return b.write("hw4-classifier")


def build_hw5(q: dict[str, Any]) -> Path:
    from autograder.course.checks import TAGGER_F1_BAR

    design, diagnosis, f1 = (q["hw5-design-ner"], q["hw5-diagnosis-sentence-head"],
                             q["hw5-code-tagger-f1"])
    b = Builder("hw5-ner")
    b.md("# Homework 5: named-entity recognition\n\nConcepts: C10 (system design for "
         "token-level tasks), C11 (diagnosing a failed run).\n\n" + HOW_TO)
    b.locked_code("setup", SETUP)
    # a pool whose versions share one hand-graded justification (questions/design.yaml);
    # the solution answers the drawn version's components and connections
    justification = design.versions[0].justification
    model = " ".join(point.text for point in justification.rubric)
    b.question(design, 1, drawn_solution(design, f"dict({{}}, justification={model!r})"),
               intro='Answer with `{"components": [ids], "connections": [[from_id, to_id], '
                     '...], "justification": "..."}`. Components and connections are graded '
                     "automatically; the justification is graded by hand (below).")
    rubric = "\n".join(f"- ({p.points:g} point) {' '.join(p.text.split())}"
                       for p in justification.rubric)
    b.task("task-hw5-design-justification", justification.points,
           f"### Justification ({justification.points:g} points, graded by hand)\n\n"
           f"{' '.join(justification.prompt.split())}\n\nWrite it in the "
           "`justification` field of your design answer above.\n\n"
           f"=== BEGIN MARK SCHEME ===\n\nRubric for graders:\n\n{rubric}\n\n"
           "=== END MARK SCHEME ===")
    b.question(diagnosis, 2, intro=DIAGNOSIS)
    align = q["hw5-code-align-labels"]
    b.md(f"## Question 3: {align.title} ({align.points:g} points)\n\n"
         "**Why.** The encoder reads word pieces, not words: `\"Lovelace\"` may become "
         "`love`, `##lace`, and `[CLS]`, `[SEP]` and padding surround every sentence. A "
         "tagger trained on piece vectors needs one label per piece. The usual rule: a "
         "word's label goes on its *first* piece; every later piece of the word, and every "
         "special token, gets `-100`, the value the loss ignores. (`TokenTagger` follows the "
         "same rule with `word_pooling=\"first\"`: each word is represented by its first "
         "piece's vector.)\n\n"
         "**The contract.** Write `align_labels(word_labels, word_ids)`. `word_labels` holds "
         "one label id per word. `word_ids` holds, for each piece, the index of the word it "
         "came from, or `None` for a special token or padding (what a fast tokenizer's "
         "`word_ids()` returns). Return a list with one label per piece.\n\n"
         "**Example.** Words `Ada Lovelace spoke` with labels `[1, 2, 0]`, pieces `[CLS] ada "
         "love ##lace spoke [SEP]`, so `word_ids = [None, 0, 1, 1, 2, None]`: "
         "`align_labels([1, 2, 0], [None, 0, 1, 1, 2, None])` returns "
         "`[-100, 1, 2, -100, 0, -100]`.\n\n"
         "**Common mistakes.** `if word_id:` treats word 0 as a special token; labelling every "
         "piece of a word counts long words several times; assuming every word has at least "
         "one piece (some characters give none) or that `word_ids` starts with `None`. "
         "Hidden cases test these; each case right earns its share.")
    b.answer("answer-align-labels",
             "def align_labels(word_labels, word_ids):\n"
             "    aligned, previous = [], None\n"
             "    for word_id in word_ids:\n"
             "        if word_id is None or word_id == previous:\n"
             "            aligned.append(-100)\n"
             "        else:\n"
             "            aligned.append(word_labels[word_id])\n"
             "        previous = word_id\n"
             "    return aligned")
    b.test(f"test-{align.id}", align.points,
           public="example = align_labels([1, 2, 0], [None, 0, 1, 1, 2, None])\n"
                  "assert list(example) == [-100, 1, 2, -100, 0, -100], "
                  "f'the example gives {example}'\n"
                  "print('The example is right; hidden cases are graded after you submit.')",
           hidden="from autograder.course import grade_cell\n\n"
                  f'grade_cell("{align.id}", align_labels)')
    b.md(f"## Question 4: {f1.title} ({f1.points + 1:g} points)\n\nTrain a tagger `tagger` on "
         "the 249 news sentences below (one IOB2 tag per word: `PER`, `LOC`, `ORG`). It must "
         f"reach an entity-level F1 of {TAGGER_F1_BAR:.2f} on the instructor's 100 hidden "
         f"sentences ({f1.points:g} points); a public test checks its output (1 point).\n\n"
         "**Evaluate before you submit.** Hold out some training sentences, train on the "
         "rest, and measure entity-level F1 on the held-out ones "
         "(`encoder_kit.metrics.entity_f1`, the measure the grader uses: an entity counts "
         "only with its exact type and boundaries). Then train `tagger` on all 249 sentences.")
    b.locked_code("data-ner", "from encoder_kit.data.exercises import load_ner_train\n\n"
                              "sentences, tags = load_ner_train()\n"
                              "print(len(sentences), 'sentences, e.g.', "
                              "list(zip(sentences[0], tags[0])))")
    b.answer("answer-tagger", "from encoder_kit import TokenTagger\n"
                              "from encoder_kit.metrics import entity_f1\n\n"
                              "held_out = 50\n"
                              "trial = TokenTagger(word_pooling=\"first\").fit(\n"
                              "    sentences[:-held_out], tags[:-held_out])\n"
                              "dev_f1 = entity_f1(tags[-held_out:], "
                              "trial.predict(sentences[-held_out:]))\n"
                              "print(f'entity F1 on {held_out} held-out sentences: "
                              "{dev_f1:.3f}')\n\n"
                              "tagger = TokenTagger(word_pooling=\"first\").fit(sentences, tags)")
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
    b.before_you_submit()
    return b.write("hw5-ner")


def main() -> int:
    os.environ["ENCODER_KIT_QUESTION_PATH"] = os.pathsep.join(
        [str(COURSE / "questions"), str(COURSE / "code-questions")])
    questions = _questions()
    from autograder.course.commands.release import check_source
    from autograder.course.coursedir import Course
    from autograder.course.notebook.public import write_public_questions

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
