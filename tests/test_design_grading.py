"""Design questions are graded like designs: precision and recall of components and arrows.

Every design question (the practice bank and every version of the graded pool) is held to
the same limits: a test-wise answer (the whole palette, every ordered pair connected) scores
at most 0.3, the needed components with every pair connected at most 0.6, one component
little, and each acceptable design exactly 1.0.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from autograder import grade
from autograder.design import COMPONENT_WEIGHT, FORBIDDEN_COST, grade_design_question
from encoder_kit.questions import find_question, load_bank, make_variant, parse_question

EXERCISES = Path(__file__).resolve().parents[1] / "exercises" / "questions"
SLOT = "hw5-design-ner"
POOL = find_question(SLOT, path=EXERCISES)
VERSIONS = list(POOL.versions)
BANK = [q for q in load_bank() if q.kind == "design"]
ALL = BANK + VERSIONS
PRACTICE_NER = find_question("practice-ner-design")


def every_pair(components: list[str]) -> list[list[str]]:
    return [[a, b] for a, b in itertools.permutations(components, 2)]


def score(question, components, connections=()) -> float:
    answer = {"components": list(components), "connections": [list(c) for c in connections]}
    return grade_design_question(question, answer).score


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall)


def role(question, words: str) -> str:
    """The id of the one component whose label contains ``words`` (case-insensitive)."""
    [found] = [c.id for c in question.palette if words.lower() in c.label.lower()]
    return found


# -- the hard limits, for every design question -----------------------------------------------
@pytest.mark.parametrize("question", ALL, ids=lambda q: q.id)
class TestLimits:
    def test_every_acceptable_design_scores_one(self, question) -> None:
        for index in range(len(question.designs)):
            result = grade_design_question(question, question.reference_answer(index))
            assert result.score == 1.0, result.feedback
            assert result.feedback.startswith("Correct")
            assert result.details["design"] == question.designs[index].name

    def test_whole_palette_with_every_arrow_scores_at_most_0_3(self, question) -> None:
        everything = [c.id for c in question.palette]
        assert score(question, everything, every_pair(everything)) <= 0.3

    def test_needed_components_with_every_arrow_score_at_most_0_6(self, question) -> None:
        for design in question.designs:
            components = list(design.components)
            assert score(question, components, every_pair(components)) <= 0.6

    def test_a_single_component_earns_little(self, question) -> None:
        assert max(score(question, [c.id]) for c in question.palette) <= 0.1

    def test_the_right_components_without_arrows_earn_a_third(self, question) -> None:
        components = question.reference_answer()["components"]
        assert score(question, components) == pytest.approx(COMPONENT_WEIGHT)

    def test_every_extra_arrow_costs_credit(self, question) -> None:
        reference = question.reference_answer()
        components, arrows = reference["components"], reference["connections"]
        free = {c.pair for c in question.designs[0].connections if c.optional}
        extra = [p for p in every_pair(components) if p not in arrows and tuple(p) not in free]
        scores = [score(question, components, arrows + extra[:n]) for n in range(4)]
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4


def test_the_figures_of_the_graded_pool() -> None:
    """The figures quoted in the report: the same for every version (same structure)."""
    for question in VERSIONS:
        everything = [c.id for c in question.palette]
        frozen, tuned = (list(d.components) for d in question.designs)
        whole = score(question, everything, every_pair(everything))
        assert whole == pytest.approx(0.257, abs=1e-3)
        assert score(question, frozen, every_pair(frozen)) == pytest.approx(0.474, abs=1e-3)
        assert score(question, tuned, every_pair(tuned)) == pytest.approx(0.491, abs=1e-3)
        assert score(question, frozen[:1]) == pytest.approx(0.2 / 3)


# -- precision and recall -------------------------------------------------------------------
class TestPrecisionAndRecall:
    q = PRACTICE_NER
    reference = q.reference_answer()

    def test_a_reversed_arrow_costs_precision_and_recall(self) -> None:
        arrows = [list(p) for p in self.reference["connections"]]
        arrows[0] = arrows[0][::-1]
        result = grade(self.q, {"components": self.reference["components"], "connections": arrows})
        # 9 of 10 needed arrows, 1 wrong one: arrow precision and recall are both 0.9
        assert result.score == pytest.approx(COMPONENT_WEIGHT + (1 - COMPONENT_WEIGHT) * 0.9)
        source, target = (self.q.component(c).label for c in arrows[0])
        assert result.feedback.startswith(
            f"The arrow '{source}' -> '{target}' points the wrong way"
        )

    def test_a_forbidden_component_costs_more_than_a_superfluous_one(self) -> None:
        components = self.reference["components"]
        tuned_training = role(self.q, "train head and encoder together")
        pooled = role(self.q, "pooled sentence vector")
        arrows = self.reference["connections"]
        superfluous = score(self.q, [*components, tuned_training], arrows)
        forbidden = score(self.q, [*components, pooled], arrows)
        n = len(components)
        assert superfluous == pytest.approx(
            COMPONENT_WEIGHT * f1(n / (n + 1), 1) + 1 - COMPONENT_WEIGHT
        )
        assert forbidden == pytest.approx(
            COMPONENT_WEIGHT * f1(n / (n + FORBIDDEN_COST), 1) + 1 - COMPONENT_WEIGHT
        )
        assert forbidden < superfluous < 1

    def test_an_arrow_to_a_forbidden_component_costs_credit_too(self) -> None:
        pooled = role(self.q, "pooled sentence vector")
        vectors = role(self.q, "per-token contextual vectors")
        components = [*self.reference["components"], pooled]
        alone = score(self.q, components, self.reference["connections"])
        wired = score(self.q, components, [*self.reference["connections"], [vectors, pooled]])
        assert wired < alone

    def test_duplicate_arrows_count_once(self) -> None:
        arrows = self.reference["connections"]
        assert score(self.q, self.reference["components"], arrows + arrows[:2]) == 1.0


# -- real choices: optional components and alternative designs -------------------------------
class TestChoices:
    @pytest.mark.parametrize("question", VERSIONS, ids=lambda q: q.id)
    def test_optional_components_wired_sensibly_cost_nothing(self, question) -> None:
        crf = role(question, "CRF layer")
        aligner = role(question, "label aligner")
        for index, design in enumerate(question.designs):
            reference = question.reference_answer(index)
            arrows = [tuple(p) for p in reference["connections"]]
            tags_to_spans = next(p for p in arrows if p in question.optional_in(design)[crf])
            data_to_training = next(p for p in arrows if p in question.optional_in(design)[aligner])
            spliced = [p for p in arrows if p not in (tags_to_spans, data_to_training)]
            spliced += [(tags_to_spans[0], crf), (crf, tags_to_spans[1])]
            spliced += [(data_to_training[0], aligner), (aligner, data_to_training[1])]
            components = [*reference["components"], crf, aligner]
            result = grade_design_question(
                question, {"components": components, "connections": [list(p) for p in spliced]}
            )
            assert result.score == 1.0, result.feedback
            # placed but left out of the wiring: no cost either
            assert score(question, components, arrows) == 1.0

    @pytest.mark.parametrize("question", VERSIONS, ids=lambda q: q.id)
    def test_optional_arrows_cost_nothing(self, question) -> None:
        for index, design in enumerate(question.designs):
            reference = question.reference_answer(index)
            optional = [list(c.pair) for c in design.connections if c.optional]
            optional = [p for p in optional if set(p) <= set(reference["components"])]
            assert optional
            answer = {**reference, "connections": reference["connections"] + optional}
            assert grade_design_question(question, answer).score == 1.0

    @pytest.mark.parametrize("question", [PRACTICE_NER, *VERSIONS], ids=lambda q: q.id)
    def test_two_consistent_designs_and_a_mixed_one(self, question) -> None:
        frozen, tuned = question.designs
        assert {d.name for d in question.designs} == {frozen.name, tuned.name}
        assert "frozen" in frozen.name and "fine-tuned" in tuned.name
        tuned_answer = question.reference_answer(1)
        result = grade_design_question(question, tuned_answer)
        assert result.score == 1.0 and result.details["design"] == tuned.name

        # a frozen encoder with the fine-tuning step: neither design fits
        def encoder(design, other):
            return next(
                c
                for c in design.components
                if c not in other.components
                and question.component(c).label.lower().startswith("pre-trained")
            )

        frozen_encoder, tuned_encoder = encoder(frozen, tuned), encoder(tuned, frozen)
        mixed = {
            "components": [
                frozen_encoder if c == tuned_encoder else c for c in tuned_answer["components"]
            ],
            "connections": [
                [frozen_encoder if e == tuned_encoder else e for e in p]
                for p in tuned_answer["connections"]
            ],
        }
        result = grade_design_question(question, mixed)
        assert 0.6 < result.score < 1
        assert "another way of building this system" in result.feedback

    @pytest.mark.parametrize("question", [PRACTICE_NER, *VERSIONS], ids=lambda q: q.id)
    def test_hedging_with_both_designs_costs_credit(self, question) -> None:
        first, second = question.reference_answer(0), question.reference_answer(1)
        both = {
            "components": list(dict.fromkeys(first["components"] + second["components"])),
            "connections": first["connections"]
            + [p for p in second["connections"] if p not in first["connections"]],
        }
        result = grade_design_question(question, both)
        assert result.score < 0.87
        assert "keep one consistent design" in result.feedback

    def test_training_and_evaluation_paths_are_part_of_the_graded_design(self) -> None:
        for question in VERSIONS:
            for design in question.designs:
                labels = " ".join(question.component(c).label for c in design.components)
                assert "held-out" in labels and "gold" in labels and "tagged" in labels
                assert "Entity-level F1" in labels and "Training step" in labels


# -- feedback: one problem at a time, in the student's words ----------------------------------
def test_feedback_names_one_problem_at_a_time_until_the_design_is_right() -> None:
    q = VERSIONS[0]
    reference = q.reference_answer()
    labels = {c.id: c.label for c in q.palette}
    pooled = role(q, "averages the token vectors")
    arrows = [list(p) for p in reference["connections"]]
    broken = {
        "components": [c for c in reference["components"] if c != reference["components"][1]]
        + [pooled],
        "connections": [p for p in arrows if reference["components"][1] not in p][1:]
        + [arrows[1][::-1], [reference["components"][0], pooled]],
    }
    seen = []
    for _ in range(10):
        result = grade_design_question(q, broken)
        first, *rest = result.feedback.splitlines()
        if first.startswith("Correct"):
            break
        assert not any(i in first.split() for i in labels)  # labels, never ids
        assert any(f"'{label}'" in first for label in labels.values())
        problems = result.details["problems"]
        if problems > 1:
            assert rest[0] == f"({problems - 1} more problem(s) to fix after this one.)"
        seen.append(first)
        broken = fix_first(q, broken, first, reference)
    assert seen[0].startswith(f"'{labels[pooled]}' does not belong in this design")
    assert any("points the wrong way" in line for line in seen)
    assert any("lacks" in line for line in seen)
    assert any("is missing" in line for line in seen)
    assert result.score == 1.0


def fix_first(q, answer, problem, reference):
    """Do what the feedback line says (the way a student would), one problem only."""
    labels = {f"'{c.label}'": c.id for c in q.palette}
    named = sorted(
        ((problem.find(label), cid) for label, cid in labels.items() if label in problem),
        key=lambda found: found[0],
    )
    ids = [cid for _, cid in named]
    components, arrows = list(answer["components"]), [list(p) for p in answer["connections"]]
    if "does not belong" in problem or "no role" in problem:
        components.remove(ids[0])
        arrows = [p for p in arrows if ids[0] not in p]
    elif "lacks" in problem:
        components.append(ids[0])
    elif "points the wrong way" in problem:
        arrows.remove(ids[:2])
        arrows.append(ids[:2][::-1])
    elif "is missing" in problem:
        source = ids[0]
        missing = [p for p in reference["connections"] if p[0] == source and p not in arrows]
        arrows.append(missing[0])
    else:  # pragma: no cover - a new kind of message needs a new step here
        raise AssertionError(problem)
    return {"components": components, "connections": arrows}


# -- what the student sees -------------------------------------------------------------------
@pytest.mark.parametrize("question", ALL, ids=lambda q: q.id)
def test_prompts_do_not_list_the_answer(question) -> None:
    assert question.justification is not None and len(question.justification.rubric) >= 2
    shown = (question.prompt + " " + question.justification.prompt).lower()
    for component in question.palette:
        assert component.label.lower() not in shown, component.label
    for word in ("pool", "mean", "accuracy", "sentence-level", "aligner", "crf", "first piece"):
        assert word not in question.justification.prompt.lower()


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.id)
def test_label_length_does_not_mark_the_forbidden_components(question) -> None:
    def mean_length(ids) -> float:
        return sum(len(question.component(c).label) for c in ids) / len(ids)

    needed = {c for design in question.designs for c in design.components}
    assert mean_length(question.forbidden) >= 0.85 * mean_length(needed)


@pytest.mark.parametrize("question", ALL, ids=lambda q: q.id)
def test_the_student_view_holds_no_key(question) -> None:
    view = question.student_view()
    assert set(view["palette"][0]) == {"id", "label"}
    text = repr(view)
    for key in ("designs", "forbidden", "optional", "rubric", "feedback"):
        assert key not in view and f"'{key}'" not in text


# -- the graded pool ------------------------------------------------------------------------
def test_the_pool_has_equally_hard_versions_with_neutral_ids() -> None:
    assert POOL.kind == "pool" and POOL.version_kind == "design" and len(VERSIONS) >= 3
    shapes = {
        (
            len(q.palette),
            len(q.forbidden),
            len(q.optional),
            tuple((len(d.components), len(d.needed()), len(d.allowed())) for d in q.designs),
        )
        for q in VERSIONS
    }
    assert len(shapes) == 1
    first_is_needed = []
    for q in VERSIONS:
        assert all(len(c.id) == 2 and c.id[0].isalpha() and c.id[1].isdigit() for c in q.palette)
        needed = {c for d in q.designs for c in d.components}
        first_is_needed.append(min(c.id for c in q.palette) in needed)
    # an id says nothing: the alphabetically first one is not always a needed component, and
    # a role (the palette is written in the same role order in every version) changes its id
    assert not all(first_is_needed)
    for ids in zip(*(tuple(c.id for c in q.palette) for q in VERSIONS), strict=True):
        assert len(set(ids)) > 1
    prompts = {q.prompt for q in VERSIONS}
    assert len(prompts) == len(VERSIONS)


def test_each_version_parses_alone() -> None:
    data = yaml.safe_load((EXERCISES / "design.yaml").read_text())
    [entry] = [e for e in data["questions"] if e["id"] == SLOT]
    inherited = {k: entry[k] for k in ("graded", "points", "concepts", "title")}
    for version in entry["versions"]:
        question = parse_question({**inherited, **version})
        assert question.kind == "design" and question.graded and question.points == 4


def test_an_answer_copied_from_another_version_is_not_full_credit() -> None:
    for mine, theirs in itertools.permutations(VERSIONS, 2):
        by_label = {c.label: c.id for c in mine.palette}
        theirs_label = {c.id: c.label for c in theirs.palette}
        for index in range(len(theirs.designs)):
            copied = theirs.reference_answer(index)
            components = [
                by_label[theirs_label[c]]
                for c in copied["components"]
                if theirs_label[c] in by_label
            ]
            arrows = [
                [by_label[theirs_label[a]], by_label[theirs_label[b]]]
                for a, b in copied["connections"]
                if theirs_label[a] in by_label and theirs_label[b] in by_label
            ]
            assert score(mine, components, arrows) < 0.6


def test_the_slot_grades_the_drawn_version() -> None:
    for student in ("ada", "bob", "cy", "dee", "eve"):
        variant = make_variant(POOL, "nlp", "hw5", student)
        member = POOL.member(variant)
        result = grade(POOL, member.reference_answer(), variant)
        assert result.score == 1.0 and result.details["version"] == member.id
        assert result.max_points == 4
