"""make_classifier: a FrozenEncoder and a head in one Pipeline."""

from __future__ import annotations

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from encoder_kit import FrozenEncoder, make_classifier
from encoder_kit.classify import default_head
from encoder_kit.data import demo_split


def test_default_pipeline_is_encoder_then_default_head():
    clf = make_classifier()
    assert isinstance(clf, Pipeline)
    assert isinstance(clf[0], FrozenEncoder)
    assert type(clf[-1]) is type(default_head())
    assert clf[-1].get_params() == default_head().get_params()


def test_encoder_parameters_reach_the_encoder_and_the_head_is_cloned():
    head = LinearSVC(C=2.0)
    clf = make_classifier(head=head, normalize=False, batch_size=8)
    assert clf[0].normalize is False and clf[0].batch_size == 8
    assert clf[-1] is not head and clf[-1].C == 2.0
    clf.fit(["refund", "crash", "refund me", "it crashes"], ["b", "t", "b", "t"])
    assert not hasattr(head, "coef_")  # the caller's estimator is never fitted in place


def test_a_head_that_is_not_a_classifier_is_refused():
    with pytest.raises(TypeError, match="head must be a scikit-learn classifier"):
        make_classifier(head="logistic")
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        make_classifier(nomalize=True)


@pytest.mark.slow
def test_the_default_classifier_learns_the_demo_task():
    train_x, test_x, train_y, test_y = demo_split()
    clf = make_classifier().fit(train_x, train_y)
    accuracy = clf.score(test_x, test_y)
    assert accuracy >= 0.8, accuracy  # three balanced classes: chance is 0.33
    probs = clf.predict_proba(["Please refund the double charge on my card"])
    assert probs.shape == (1, 3) and abs(probs.sum() - 1) < 1e-6
    assert clf.predict(["Please refund the double charge on my card"])[0] == "billing"


def test_a_frozen_encoder_with_another_head_works():
    clf = make_classifier(head=LogisticRegression(C=1.0))
    clf.fit(["good", "bad", "great", "awful"], ["pos", "neg", "pos", "neg"])
    assert set(clf.predict(["fine", "terrible"])) <= {"pos", "neg"}
