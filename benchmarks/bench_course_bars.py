"""The score bars of the course's coding questions, and what clears them.

Run: .venv/bin/python benchmarks/bench_course_bars.py   (needs exercises/hidden)

Accuracy on the 150 hidden city requests for the reference solution (make_classifier on all
300 messages), for other reasonable heads, for heads trained on a few messages and for a
bag-of-words model; entity F1 on the 100 hidden news sentences for the default TokenTagger,
variants, and taggers trained on a few sentences. The bars in autograder/course/checks.py
must be cleared with a margin by the first and missed by the weak ones.
"""

from __future__ import annotations

import numpy as np
from common import REPO, Timer, machine

from autograder.course.checks import CLASSIFIER_ACCURACY_BAR, TAGGER_F1_BAR

HIDDEN = REPO / "exercises" / "hidden"


def classifier_rows() -> list[tuple[str, float | str]]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from encoder_kit import FrozenEncoder, make_classifier
    from encoder_kit.data.exercises import load_city_requests, read_labelled_tsv

    texts, labels = load_city_requests()
    test_texts, test_labels = read_labelled_tsv(HIDDEN / "city_requests_test.tsv")
    truth = np.array(test_labels)

    def accuracy(model, n: int | None = None) -> float:
        model.fit(texts[:n], labels[:n])
        return float((np.array(model.predict(test_texts)) == truth).mean())

    def drawn(n: int, draws: int = 10) -> str:
        """The default head on ``n`` messages drawn at random: mean (min-max) of ``draws``."""
        rng, found = np.random.default_rng(0), []
        for _ in range(draws):
            keep = rng.permutation(len(texts))[:n]
            model = make_classifier().fit([texts[i] for i in keep], [labels[i] for i in keep])
            found.append(float((np.array(model.predict(test_texts)) == truth).mean()))
        return f"{np.mean(found):.1%} ({min(found):.1%}-{max(found):.1%})"

    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.svm import SVC, LinearSVC

    FrozenEncoder().transform(texts + test_texts)  # encode once (cached afterwards)
    return [
        ("make_classifier(), all 300 messages (the reference)", accuracy(make_classifier())),
        ("FrozenEncoder + LogisticRegression(C=1)",
         accuracy(make_classifier(head=LogisticRegression(C=1, max_iter=2000)))),
        ("FrozenEncoder + SVC(C=10)", accuracy(make_classifier(head=SVC(C=10)))),
        ("FrozenEncoder + LinearSVC()", accuracy(make_classifier(head=LinearSVC()))),
        ("FrozenEncoder + KNeighborsClassifier(5)",
         accuracy(make_classifier(head=KNeighborsClassifier(n_neighbors=5)))),
        ("make_classifier(), 50 random messages, 10 draws", drawn(50)),
        ("make_classifier(), 100 random messages, 10 draws", drawn(100)),
        ("make_classifier(), first 50 messages", accuracy(make_classifier(), 50)),
        ("make_classifier(), first 20 messages", accuracy(make_classifier(), 20)),
        ("TF-IDF + LogisticRegression (no encoder)",
         accuracy(make_pipeline(TfidfVectorizer(), LogisticRegression(C=10, max_iter=2000)))),
    ]


def tagger_rows() -> list[tuple[str, float]]:
    from encoder_kit import TokenTagger
    from encoder_kit.conll import read_conll
    from encoder_kit.data.exercises import load_ner_train
    from encoder_kit.metrics import entity_f1

    sentences, tags = load_ner_train()
    test_sentences, test_tags = read_conll(HIDDEN / "ner_test.conll")

    def f1(tagger, n: int | None = None) -> float:
        tagger.fit(sentences[:n], tags[:n])
        return entity_f1(test_tags, tagger.predict(test_sentences))  # as the course scores

    return [
        ("TokenTagger(), all 249 sentences (the reference)", f1(TokenTagger())),
        ("TokenTagger(word_features=None)", f1(TokenTagger(word_features=None))),
        ("TokenTagger(decoding='argmax')", f1(TokenTagger(decoding="argmax"))),
        ("TokenTagger(), first 60 sentences", f1(TokenTagger(), 60)),
        ("TokenTagger(), first 30 sentences", f1(TokenTagger(), 30)),
    ]


def main() -> None:
    print(f"machine: {machine()}")
    with Timer() as timer:
        classifier, tagger = classifier_rows(), tagger_rows()
    print(f"\n| classifier | hidden accuracy (bar {CLASSIFIER_ACCURACY_BAR:.0%}) |\n|---|---|")
    for name, value in classifier:
        print(f"| {name} | {value if isinstance(value, str) else f'{value:.1%}'} |")
    print(f"\n| tagger | hidden entity F1 (bar {TAGGER_F1_BAR:.2f}) |\n|---|---|")
    for name, value in tagger:
        print(f"| {name} | {value:.3f} |")
    print(f"\n{timer.seconds:.0f} s")


if __name__ == "__main__":
    main()
