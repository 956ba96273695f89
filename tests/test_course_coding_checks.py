"""The checks behind the coding questions of hw4 and hw5, on cheap models (TF-IDF heads, no
encoder): the comparison re-run, the choice, the evidence that clf learnt from the training
data alone, and the word-piece label alignment on the hidden cases.

The end-to-end grading of the sample submissions is tests/test_course_classifier.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from autograder.course import checks
from encoder_kit.data.exercises import load_city_requests

EXERCISES = Path(__file__).resolve().parents[1] / "exercises"
TEXTS, LABELS = load_city_requests()


@pytest.fixture(autouse=True)
def instructor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The instructor's side: the hidden data is there."""
    monkeypatch.setenv(checks.HIDDEN_DATA_ENV, str(EXERCISES / "hidden"))
    monkeypatch.delenv(checks.HIDDEN_INPUTS_ENV, raising=False)


def _tfidf(c: float) -> object:
    return make_pipeline(TfidfVectorizer(), LogisticRegression(C=c, max_iter=2000))


def _honest() -> dict:
    candidates = {"weak": _tfidf(0.01), "strong": _tfidf(10.0)}
    cv_scores = {name: float(cross_val_score(model, TEXTS, LABELS, cv=checks.course_folds())
                             .mean()) for name, model in candidates.items()}
    best = max(cv_scores, key=cv_scores.get)
    assert best == "strong" and cv_scores["strong"] > cv_scores["weak"] + checks.CHOICE_MARGIN
    clf = clone(candidates[best]).fit(TEXTS, LABELS)
    return {"candidates": candidates, "cv_scores": cv_scores, "clf": clf}


def test_reported_figures_earn_a_share_each_when_the_rerun_reproduces_them() -> None:
    answer = _honest()
    score, feedback = checks.cv_comparison(answer)
    assert score == 1.0 and "2 of 2 reported figures reproduced" in feedback
    off = dict(answer["cv_scores"], weak=answer["cv_scores"]["weak"] + 0.05)
    score, feedback = checks.cv_comparison(dict(answer, cv_scores=off))
    assert score == 0.5 and "weak: you reported" in feedback and "(not reproduced)" in feedback
    made_up = {"weak": 0.99, "strong": 0.5}
    assert checks.cv_comparison(dict(answer, cv_scores=made_up))[0] == 0.0


def test_a_comparison_needs_two_different_candidates_and_one_figure_each() -> None:
    answer = _honest()
    twins = {"a": _tfidf(10.0), "b": _tfidf(10)}  # 10 and 10.0: the same model
    score, feedback = checks.cv_comparison({"candidates": twins, "cv_scores": {"a": 1, "b": 1}})
    assert score == 0.0 and "two different candidates" in feedback
    with pytest.raises(AssertionError, match="compare 2 to"):
        checks.cv_comparison({"candidates": {"a": _tfidf(1.0)}, "cv_scores": {"a": 0.9}})
    with pytest.raises(AssertionError, match=r"missing \['weak'\]"):
        checks.cv_comparison(dict(answer, cv_scores={"strong": 0.9}))
    with pytest.raises(AssertionError, match="Define candidates"):
        checks.cv_comparison({"candidates": None, "cv_scores": None, "clf": None})


def test_the_choice_is_the_best_candidate_fit_on_the_training_data_alone() -> None:
    answer = _honest()
    score, feedback = checks.model_choice(answer)
    assert score == 1.0 and "clf is strong" in feedback
    worse = clone(answer["candidates"]["weak"]).fit(TEXTS, LABELS)
    score, feedback = checks.model_choice(dict(answer, clf=worse))
    assert score == 0.0 and "strong scored best" in feedback
    other = _tfidf(3.0).fit(TEXTS, LABELS)
    assert "none of your candidates" in checks.model_choice(dict(answer, clf=other))[1]


def test_a_model_that_learnt_from_the_hidden_messages_is_caught() -> None:
    answer = _honest()
    clf = answer["clf"]
    assert checks.refit_difference(clf) <= 1e-9
    hidden = checks.hidden_inputs(checks.CITY_REQUESTS_TEST)
    guessed = list(clf.predict(hidden))  # self-training: labels a first model guessed
    touched = clone(clf).fit(TEXTS + hidden, LABELS + guessed)
    assert checks.refit_difference(touched) > checks.REFIT_TOLERANCE
    score, feedback, flags = checks.score_model_choice(
        checks.collect_model_choice(dict(answer, clf=touched)), None)
    assert score == 0.0 and flags == (checks.NOT_TRAINING_DATA,)
    assert "did not learn from the training data alone" in feedback
    score, feedback = checks.classifier_accuracy(touched)
    assert score == 0.0 and feedback.startswith("Not scored")
    few = clone(clf).fit(TEXTS[:20], LABELS[:20])
    assert checks.refit_difference(few) > checks.REFIT_TOLERANCE


def test_a_clf_the_grader_cannot_refit_is_told_why() -> None:
    class Lookup:
        def predict(self, texts):
            return ["roads"] * len(texts)

    with pytest.raises(AssertionError, match="could not refit a copy of clf"):
        checks.classifier_accuracy(Lookup())


def _align(word_labels, word_ids):
    aligned, previous = [], None
    for word_id in word_ids:
        aligned.append(-100 if word_id is None or word_id == previous else word_labels[word_id])
        previous = word_id
    return aligned


def test_the_alignment_is_graded_case_by_case_on_the_hidden_cases() -> None:
    cases = json.loads((EXERCISES / "hidden" / checks.ALIGN_CASES).read_text())
    assert checks.align_labels_check(_align) == (1.0, f"{len(cases)} of {len(cases)} hidden "
                                                      "cases right.")

    def falsy_zero(word_labels, word_ids):  # `if not word_id` loses word 0
        aligned, previous = [], None
        for word_id in word_ids:
            aligned.append(-100 if not word_id or word_id == previous else word_labels[word_id])
            previous = word_id
        return aligned

    score, feedback = checks.align_labels_check(falsy_zero)
    assert 0 < score < 1 and "the first word's label is 0" in feedback

    def every_piece(word_labels, word_ids):
        return [-100 if w is None else word_labels[w] for w in word_ids]

    score, feedback = checks.align_labels_check(every_piece)
    assert score < 1 and "a word split into four pieces" in feedback

    def crashes(word_labels, word_ids):
        raise ValueError("not yet")

    score, feedback = checks.align_labels_check(crashes)
    assert score == 0.0 and "raised ValueError: not yet" in feedback
    with pytest.raises(AssertionError, match="Pass your function"):
        checks.align_labels_check([-100])


def test_the_kernel_gets_the_cases_without_their_expected_labels(tmp_path: Path) -> None:
    written = checks.write_hidden_inputs(EXERCISES / "hidden", tmp_path)
    assert checks.ALIGN_CASES in written
    text = (tmp_path / f"{checks.ALIGN_CASES}.inputs.json").read_text()
    assert "expected" not in text and "word_ids" in text


def test_the_notebook_gives_the_folds_the_grader_reruns() -> None:
    nb = nbformat.read(EXERCISES / "source" / "hw4-classifier" / "hw4-classifier.ipynb",
                       as_version=4)
    data = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "data")
    assert data.metadata["nbgrader"]["locked"]
    namespace: dict = {}
    exec(data.source, namespace)  # noqa: S102 (the course's own locked cell)
    folds, theirs = namespace["folds"], checks.course_folds()
    assert repr(folds) == repr(theirs)
    for (_, mine), (_, grader) in zip(folds.split(TEXTS, LABELS), theirs.split(TEXTS, LABELS),
                                      strict=True):
        assert mine.tolist() == grader.tolist()
