"""Input fuzzing of the pure-Python targets: shapes, ordering, the question loader, word split.

Each test states the contract it checks, taken from the target's docstring. Any other
exception, a hang (``pytest.mark.timeout``) or a wrong value is a bug. Plain regression tests
for inputs that once crashed or hung sit next to the property that found them.
Deterministic: see ``support.fuzz.fuzz``.
"""

from __future__ import annotations

import itertools
import string
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st
from support.fuzz import fuzz, junk, nasty_text, plain_text, special, with_surrogate

from autograder.ordering import METHODS, grade_order
from autograder.result import Result
from autograder.shapes import ShapeError, grade_shape, parse_shape
from encoder_kit.questions import (
    AnyQuestion,
    OrderKey,
    QuestionFormatError,
    load_bank,
    load_questions,
    make_variant,
    parse_question,
    parse_questions_text,
)
from encoder_kit.questions.draw.symbols import evaluate, evaluate_shape
from encoder_kit.tagger import split_words

# property-based: thousands of generated inputs, so in the full tier (`make test`), not test-fast
pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]

# -- parse_shape / grade_shape ---------------------------------------------------------------
# Contract (autograder/shapes.py): parse_shape returns a non-empty tuple of whole numbers >= 0,
# or raises ShapeError (a ValueError) whose message shows the accepted forms; never another
# exception. grade_shape never raises for a bad answer: it scores 0 with that message.

shape_tokens = st.sampled_from(
    ["(", ")", "[", "]", ",", " ", "x", "X", "×", "*", "by", "torch.Size", "-", "+", ".", "1",
     "15", "768", "0", "00", "²", "١٢", "①", "\u3000", "\n", "\t", "e3", "9" * 40, "None"]
)
# number-like parts: other scripts' digits, huge numbers, long whitespace runs around them
shape_part = st.one_of(
    st.integers(0, 10**6).map(str),
    st.sampled_from(["²", "①", "١٢", "１２", "0x10", "1e3", "-1", "1.0", "", "None", "9" * 5000]),
    st.builds(lambda n, ws, m: f"{n}{ws}{m}", st.integers(0, 99),
              st.sampled_from([" ", "\t", "\u3000"]).flatmap(
                  lambda ws: st.integers(1, 20_000).map(lambda k: ws * k)),
              st.sampled_from(["", "2", "x 2", ", 2"])),
)
structured_shape = st.builds(
    lambda brackets, parts, separator: brackets[0] + separator.join(parts) + brackets[1],
    st.sampled_from([("(", ")"), ("[", "]"), ("torch.Size([", "])"), ("", ""), ("(", "]"),
                     ("((", "))")]),
    st.lists(shape_part, max_size=4),
    st.sampled_from([",", ", ", " x ", "x", "×", " by ", "*", " ", ",,"]),
)
shape_text = st.one_of(
    nasty_text(),
    structured_shape,
    st.lists(shape_tokens, max_size=20).map("".join),
    st.lists(st.one_of(shape_tokens, special), max_size=20).map(" ".join),
)


def _check_shape(answer: Any) -> None:
    try:
        shape = parse_shape(answer)
    except ShapeError as error:
        assert str(error).startswith("Cannot read") and "Write it like" in str(error)
        return
    assert isinstance(shape, tuple) and shape
    assert all(type(axis) is int and axis >= 0 for axis in shape)


@fuzz(400, slow_data=True)
@given(shape_text)
def test_parse_shape_reads_any_text_or_raises_shape_error(text: str) -> None:
    _check_shape(text)


@fuzz(200)
@given(st.one_of(junk, st.lists(st.one_of(st.integers(), junk), max_size=4)))
def test_parse_shape_any_object_or_raises_shape_error(value: Any) -> None:
    _check_shape(value)


whitespace = st.sampled_from(["", " ", "  ", "\t", "\n", "\u3000", " \u00a0 "])


@fuzz(300)
@given(st.lists(st.integers(0, 10**12), min_size=1, max_size=5), st.data())
def test_every_accepted_form_reads_back_the_same_shape(shape: list[int], data: Any) -> None:
    """The forms of ACCEPTED_FORMS, with any whitespace around the parts, give the shape back."""
    ws = lambda: data.draw(whitespace)  # noqa: E731
    numbers = [f"{ws()}{n}{ws()}" for n in shape]
    forms = [f"({','.join(numbers)}{',' if len(shape) == 1 else ''})",
             f"[{','.join(numbers)}]", f"torch.Size([{','.join(numbers)}])"]
    if len(shape) > 1:
        separator = data.draw(st.sampled_from(["x", "X", "×", "by", "*", ","]))
        forms.append(f" {ws()}".join(f"{n}{ws()} {separator}" for n in numbers[:-1])
                     + f" {numbers[-1]}")
    for form in forms:
        assert parse_shape(form) == tuple(shape), form


@fuzz(300, slow_data=True)
@given(st.one_of(shape_text, junk))
def test_grade_shape_scores_any_answer(answer: Any) -> None:
    result = grade_shape(answer, "[batch, seq_len, 768]", {"batch": 2, "seq_len": 9})
    assert isinstance(result, Result) and 0.0 <= result.score <= 1.0
    assert isinstance(result.feedback, str) and result.feedback


@pytest.mark.timeout(30)
def test_long_whitespace_runs_parse_in_linear_time() -> None:
    # the separator regex backtracked over every whitespace run: 36 s for 20,000 spaces
    with pytest.raises(ShapeError, match="separate the axes with a comma"):
        parse_shape("[1" + " " * 100_000 + "2]")
    assert parse_shape("(1," + " \t\n\u3000" * 25_000 + "2)") == (1, 2)


@pytest.mark.parametrize(("answer", "reason"), [
    ("(²,3)", "'²' is not a whole number"),  # isdigit() accepted it, int() raised ValueError
    ("(①, 3)", "'①' is not a whole number"),
    ("(" + "9" * 5000 + ", 2)", "more than 30 digits"),  # int() refuses > 4300 digits
])
def test_digits_int_cannot_read_are_shape_errors(answer: str, reason: str) -> None:
    with pytest.raises(ShapeError, match=reason):
        parse_shape(answer)
    assert parse_shape("(١٢, 3)") == (12, 3)  # decimal digits of any script are numbers


# -- grade_order -----------------------------------------------------------------------------
# Contract (autograder/ordering.py): for every method and any answer, a Result with a score in
# [0, 1]; bad answers (None, not a list, empty, repeated ids, non-text ids, unknown ids when
# distractors are given) give a zero Result whose feedback says what to fix. A bad key or
# method raises ValueError / TypeError.

item_id = st.text(string.ascii_lowercase + string.digits + "_-.", min_size=1, max_size=6)


@st.composite
def order_keys(draw: Any, max_items: int = 12) -> list[str] | dict[str, list[str]]:
    """A total order (a list) or a partial order (item -> items before it, acyclic)."""
    items = draw(st.lists(item_id, min_size=2, max_size=max_items, unique=True))
    if draw(st.booleans()):
        return items
    # edges only from earlier to later items of this list: never a cycle
    return {item: draw(st.lists(st.sampled_from(items[:i]), unique=True)) if i else []
            for i, item in enumerate(items)}


@st.composite
def order_answers(draw: Any, key: list[str] | dict[str, list[str]]) -> Any:
    items = list(key)
    pool = st.one_of(st.sampled_from(items), item_id, special)
    return draw(st.one_of(
        st.permutations(items),  # complete, in any order
        st.lists(pool, max_size=2 * len(items) + 3),  # missing, unknown, repeated ids
        st.lists(st.sampled_from(items), unique=True),
        junk,  # not a list of ids at all
        st.lists(st.one_of(st.sampled_from(items), junk), max_size=5),
    ))


def _check_result(result: Result, max_points: float) -> None:
    assert isinstance(result, Result)
    assert 0.0 <= result.score <= 1.0 and result.points == pytest.approx(result.score * max_points)
    assert isinstance(result.feedback, str) and result.feedback


def _is_clean(answer: Any) -> bool:
    return (isinstance(answer, list | tuple) and bool(answer)
            and all(isinstance(a, str) for a in answer) and len(set(answer)) == len(answer))


@fuzz(300)
@given(st.data())
def test_grade_order_scores_any_answer_with_every_method(data: Any) -> None:
    key = data.draw(order_keys())
    answer = data.draw(order_answers(key))
    distractors = data.draw(st.none() | st.lists(item_id, max_size=3))
    max_points = data.draw(st.sampled_from([1.0, 2.5]))
    for method in METHODS:
        result = grade_order(answer, key, method, distractors=distractors, max_points=max_points)
        _check_result(result, max_points)
        if not _is_clean(answer):  # the documented bad answers: zero, feedback says what to fix
            assert result.score == 0.0
            assert any(word in result.feedback for word in
                       ("No ordering", "must be a list", "empty", "holds", "more than once"))
        elif distractors is not None and not set(answer) <= set(key) | set(distractors):
            assert result.score == 0.0 and "check the spelling" in result.feedback


@fuzz(200)
@given(st.data())
def test_a_valid_order_scores_full_marks_with_every_method(data: Any) -> None:
    key = data.draw(order_keys())
    order_key = OrderKey.from_spec(key)
    valid = order_key.linearize(data.draw(st.permutations(list(key))))
    assert order_key.is_valid(valid)
    for method in METHODS:
        assert grade_order(valid, key, method).score == 1.0, method


@fuzz(200)
@given(st.one_of(junk, st.lists(st.one_of(item_id, junk), max_size=4),
                 st.dictionaries(item_id, st.one_of(junk, st.lists(item_id, max_size=3)),
                                 max_size=4)),
       st.one_of(st.sampled_from(METHODS), plain_text))
def test_a_bad_key_or_method_raises_value_or_type_error(key: Any, method: str) -> None:
    try:
        result = grade_order(["a", "b"], key, method)
    except (ValueError, TypeError) as error:
        assert str(error)
        return
    _check_result(result, 1.0)
    assert method in METHODS


@pytest.mark.timeout(60)
@fuzz(10, slow_data=True)
@given(order_keys(max_items=40), st.integers(2_000, 20_000), st.data())
def test_huge_answers_are_graded_quickly(key: Any, size: int, data: Any) -> None:
    """Thousands of ids (mostly unknown, some repeated or not) with every method."""
    repeat = data.draw(st.booleans())
    answer = [f"x{i % (size // 2) if repeat else i}" for i in range(size)] + list(key)[::-1]
    for method in METHODS:
        result = grade_order(answer, key, method)
        _check_result(result, 1.0)
        if repeat:
            assert result.score == 0.0 and "more than once" in result.feedback


@pytest.mark.timeout(30)
def test_a_100k_id_answer_is_graded_in_linear_time() -> None:
    # id_list counted repeats with list.count: quadratic, about 4 minutes for this answer
    answer = [f"x{i}" for i in range(100_000)] + ["c", "b", "a"]
    assert grade_order(answer, ["a", "b", "c"]).score == 0.0


@pytest.mark.timeout(60)
def test_long_keys_build_without_recursion_errors() -> None:
    # the key's transitive closure recursed once per item of a chain: RecursionError at ~1000
    chain = {f"i{k}": [f"i{k - 1}"] if k else [] for k in reversed(range(3000))}
    key = OrderKey.from_spec(chain)
    assert key.total and key.ancestors["i2999"] == frozenset(f"i{k}" for k in range(2999))
    with pytest.raises(ValueError, match=r"cycle \(i0 -> i1 -> .* -> i1999 -> i0\)"):
        OrderKey.from_spec({f"i{k}": [f"i{(k + 1) % 2000}"] for k in range(2000)})
    items = [f"i{k}" for k in range(1000)]  # was cubic: seconds; now quadratic
    assert OrderKey.from_spec(items).ancestors["i999"] == frozenset(items[:-1])
    assert grade_order(items[::-1], items, "dag_lcs").score == 0.0


@pytest.mark.timeout(120)
@fuzz(6, slow_data=True)
@given(st.integers(1000, 2000), st.randoms(use_true_random=False),
       st.sampled_from(["list", "last step first", "shuffled"]))
def test_keys_of_thousands_of_steps_build_and_grade(n: int, rng: Any, form: str) -> None:
    """A chain of n steps, as a list or as item -> [previous item] in any declaration order.

    Only dag_lcs grades it: the Moodle methods' linearize is cubic in the key's size (fine for
    the few dozen steps of a question, left alone). Hypothesis raises the recursion limit while
    it runs an example, so the plain test above is the one that guards against recursion.
    """
    items = [f"s{k}" for k in range(n)]
    spec: Any = items
    if form != "list":
        declared = items[::-1] if form == "last step first" else rng.sample(items, n)
        spec = {item: [f"s{int(item[1:]) - 1}"] if item != "s0" else [] for item in declared}
    key = OrderKey.from_spec(spec)
    assert key.total and key.items == tuple(spec)
    result = grade_order(rng.sample(items, 50), key, "dag_lcs")
    _check_result(result, 1.0)


# -- the question loader ---------------------------------------------------------------------
# Contract (encoder_kit/questions/files/loader.py): a file (or text) gives valid questions, or raises
# QuestionFormatError naming the file and, where it applies, the question id and the field;
# parse_question (plain data) raises pydantic's ValidationError. Never another exception.

SOURCE = "fuzz.yaml"
_FIELDS = {"kind"} | {name for model in get_args(AnyQuestion) for name in model.model_fields}
yaml_tokens = st.sampled_from([
    "id:", " q-1", "kind:", " shape", " ordering", " numeric", "questions:", "\n", "\n  ", "- ",
    "[", "]", "{", "}", ",", ":", "&a ", "*a", "!!str ", "!!python/object:os.system ", "? ",
    "|", ">-", "'", '"', "#", "---", "...", " 2001-02-30", " 2001-02-03T04:05:06", " .nan",
    " .inf", " 0x1f", " 0o17", " 1e999", " " + "9" * 5000, " ~", " null", " yes", " no",
    " =", " <<: *a", "%YAML 1.1\n", "\t", "expected: '[batch, 768]'", "prompt: P",
    "concepts: [C1]", "title: T", "explanation: E", "variables: {b: {min: 0, max: 9}}",
])
# scalars the YAML reader itself may fail to build (dates, huge numbers) or that test the schema
yaml_scalar = st.one_of(
    st.sampled_from(["2001-02-30", "2001-02-03", "2001-02-03T04:05:06Z", "9" * 5000, "0x" + "f" * 5000,
                     ".nan", "-.inf", "1e999", "~", "yes", "[]", "{}", "'[b, 768]'", "shape",
                     "[C1, C12]", "'" + "+".join(["1"] * 3000) + "'", "'" + "-" * 3000 + "1'"]),
    st.integers().map(str),
    plain_text.map(lambda t: '"' + t.encode("unicode_escape").decode("ascii") + '"'),
)
yaml_mapping = st.lists(
    st.tuples(st.sampled_from(sorted(_FIELDS) + ["questions", "x"]), yaml_scalar),
    min_size=1, max_size=12,
).map(lambda pairs: "".join(f"{key}: {value}\n" for key, value in pairs))
yaml_text = st.one_of(
    nasty_text(),
    yaml_mapping,
    yaml_mapping.map(lambda text: "- " + text.replace("\n", "\n  ")),
    st.lists(yaml_tokens, max_size=30).map("".join),
    st.lists(st.one_of(yaml_tokens, special), max_size=30).map("".join),
)


def _check_loaded(questions: list[Any]) -> None:
    """A loaded question is usable: it can be shown and drawn for a student."""
    assert questions and len({q.id for q in questions}) == len(questions)
    for question in questions:
        question.student_view()
        question.student_view(make_variant(question, "course", "hw1", "student"))


def _check_format_error(error: QuestionFormatError, source: str = SOURCE,
                        data: Any = None) -> None:
    assert str(error).startswith(source) and error.source == source
    # the field is one of the schema's, or an unknown key of the data (named as the problem)
    known = _FIELDS | ({str(k) for k in data} if isinstance(data, dict) else set())
    assert error.field is None or error.field.split(".")[0] in known, error.field


@fuzz(400, slow_data=True)
@given(st.one_of(yaml_text, with_surrogate(yaml_text)))
def test_any_yaml_text_loads_or_raises_question_format_error(text: str) -> None:
    try:
        questions = parse_questions_text(text, SOURCE)
    except QuestionFormatError as error:
        _check_format_error(error)
        return
    _check_loaded(questions)


def _bank_dicts() -> list[dict[str, Any]]:
    """One valid question of each kind from the bank, as plain data (as read from YAML)."""
    seen: dict[str, dict[str, Any]] = {}
    for question in load_bank():
        seen.setdefault(question.kind, question.model_dump(mode="json", exclude_none=True))
    return list(seen.values())


BANK_DICTS = _bank_dicts()
# libyaml when installed, as the loader itself: the pure-Python one is slow under hypothesis
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), plain_text, special,
              st.sampled_from(["[batch, 768]", "batch + 1", "a", "b", "C4", "x" * 200])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.one_of(plain_text, st.sampled_from(sorted(_FIELDS))), inner, max_size=4),
    max_leaves=10,
)


@st.composite
def mutated_questions(draw: Any) -> dict[str, Any]:
    """A valid question with a few random edits: a field dropped, replaced, added, or nested."""
    data = draw(st.sampled_from(BANK_DICTS))
    data = yaml.load(yaml.dump(data, Dumper=_DUMPER), Loader=_LOADER)  # a deep copy
    for _ in range(draw(st.integers(1, 3))):
        target: Any = data
        while isinstance(target, dict | list) and target and draw(st.booleans()):
            child = (target[draw(st.sampled_from(sorted(target, key=str)))]
                     if isinstance(target, dict)
                     else target[draw(st.integers(0, len(target) - 1))])
            if not isinstance(child, dict | list):
                break
            target = child
        if isinstance(target, dict):
            keys = sorted(target, key=str)
            action = draw(st.sampled_from(["drop", "set", "add"] if keys else ["add"]))
            if action == "drop":
                del target[draw(st.sampled_from(keys))]
            elif action == "set":
                target[draw(st.sampled_from(keys))] = draw(yaml_values)
            else:
                target[draw(st.one_of(st.sampled_from(sorted(_FIELDS)), plain_text))] = draw(
                    yaml_values)
        elif isinstance(target, list):
            if target and draw(st.booleans()):
                target[draw(st.integers(0, len(target) - 1))] = draw(yaml_values)
            else:
                target.append(draw(yaml_values))
    return data


def _to_yaml(data: Any) -> tuple[str, Any]:
    """YAML text for ``data`` and what it reads back as (keys sorted, as the dumper writes)."""
    text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True)
    loaded = yaml.load(text, Loader=_LOADER)
    assume(loaded == data)  # NaN does not equal itself
    return text, loaded


@fuzz(400)
@given(mutated_questions())
def test_any_question_data_loads_or_names_file_question_and_field(data: dict[str, Any]) -> None:
    text, data = _to_yaml(data)
    try:
        questions = parse_questions_text(text, SOURCE)
    except QuestionFormatError as error:
        _check_format_error(error, data=data)
        if "id" in data and "questions" not in data:  # the error names the question
            assert error.question_id == str(data["id"])
        return
    _check_loaded(questions)


@fuzz(200)
@given(st.one_of(mutated_questions(), st.dictionaries(plain_text, yaml_values, max_size=5)))
def test_parse_question_raises_only_validation_errors(data: dict[str, Any]) -> None:
    from pydantic import ValidationError

    try:
        question = parse_question(data)
    except ValidationError:
        return
    _check_loaded([question])


@fuzz(100)
@given(st.binary(max_size=200) | yaml_text.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_file_bytes_load_or_name_the_file(tmp_path_factory: Any, content: bytes) -> None:
    folder = tmp_path_factory.mktemp("questions")
    path = folder / "q.yaml"
    path.write_bytes(content)
    try:
        questions = load_questions(folder)
    except QuestionFormatError as error:
        _check_format_error(error, str(path))
        return
    _check_loaded(questions)


QUESTION = """\
kind: shape
id: q-shape
title: T
prompt: "{b} sentences?"
concepts: [C1]
explanation: E
expected: "[b, 768]"
"""


variable_spec = st.one_of(
    st.integers(),
    st.fixed_dictionaries({}, optional={
        "choices": st.lists(st.integers(), max_size=3),
        # wide ranges on purpose: nothing may list every value of min..max
        "min": st.integers() | st.none() | st.integers(-(10**15), 0),
        "max": st.integers() | st.none() | st.integers(10**9, 10**15),
        "default": st.integers() | st.none() | st.integers(-5, 100), "step": st.integers(),
    }),
    st.fixed_dictionaries({"min": st.integers(-(10**15), 0), "max": st.integers(10**9, 10**15),
                           "default": st.integers(-5, 100)}),
    yaml_values,
)


@fuzz(200)
@given(variable_spec, st.sampled_from(["[b, 768]", "[b + 1, b // 2]", "[2, b * b]"]))
def test_any_variable_spec_loads_or_names_the_variable(spec: Any, expected: str) -> None:
    """Huge ranges, defaults outside them, junk: a shape question with one variable b."""
    data = {"kind": "shape", "id": "q-shape", "title": "T", "prompt": "{b}?", "concepts": ["C1"],
            "explanation": "E", "expected": expected, "variables": {"b": spec}}
    text, data = _to_yaml(data)
    try:
        questions = parse_questions_text(text, SOURCE)
    except QuestionFormatError as error:
        _check_format_error(error, data=data)
        assert error.question_id == "q-shape"
        return
    _check_loaded(questions)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("text", "match"), [
    # values the YAML reader itself cannot build raised ValueError / UnicodeEncodeError
    ("id: 2001-02-30", "a value cannot be read .day is out of range"),
    ("id: " + "9" * 5000, "a value cannot be read .Exceeds the limit"),
    ("id: a\ud800b", "the text is not valid Unicode"),
    # expressions too deep for the parser raised RecursionError; the nesting limit of the
    # draw check (issue 11) now names them before the parser sees them
    (QUESTION.replace("[b, 768]", "[b, " + "+".join(["1"] * 5000) + "]"),
     "field 'expected': (cannot read the expression|the expression .* nests more than 100)"),
    (QUESTION.replace("[b, 768]", "[b, " + "-" * 5000 + "1]"),
     "field 'expected': (cannot read the expression|the expression .* nests more than 100)"),
    (QUESTION.replace("[b, 768]", "[b, " + "+".join(["1"] * 300) + "]"),
     "field 'expected': the expression .* nests more than 100 operations"),
    # the default's check listed the whole range: MemoryError
    (QUESTION + "variables: {b: {min: 0, max: 1000000000000, default: 7}}", None),
    (QUESTION + "variables: {b: {min: 0, max: 1000000000000, default: -1}}",
     "field 'variables.b': the default -1 is not among the possible values"),
])
def test_regressions_for_inputs_that_escaped_the_loader(text: str, match: str | None) -> None:
    if match is None:
        assert parse_questions_text(text, SOURCE)[0].values_for(None) == {"b": 7}
        return
    with pytest.raises(QuestionFormatError, match=f"^{SOURCE}: .*{match}"):
        parse_questions_text(text, SOURCE)


def test_an_undecodable_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_bytes(b"id: q\n\xff\xfe")  # was a bare UnicodeDecodeError
    with pytest.raises(QuestionFormatError, match=r"q\.yaml: not UTF-8 text \(byte 6"):
        load_questions(tmp_path)


@fuzz(300, slow_data=True)
@given(st.one_of(
    st.lists(st.sampled_from(["1", "b", "+", "-", "*", "//", "/", "(", ")", " ", "0", "1e308",
                              "**", "[", "lambda", "\x00", ".", "_"]), max_size=40).map("".join),
    nasty_text(long=False),
    # long chains and deep nesting: the parser and the evaluator recurse
    st.builds(lambda op, n: op.join(["b"] * n), st.sampled_from(["+", "*", "-", "//"]),
              st.integers(1, 3000)),
    st.builds(lambda n, core: "-" * n + core, st.integers(1, 3000), st.sampled_from(["1", "b"])),
    st.integers(1, 300).map(lambda n: "(" * n + "b" + ")" * n),
))
def test_expressions_evaluate_or_raise_value_error(expression: str) -> None:
    """symbols.evaluate / evaluate_shape: a number, or ValueError; question files are data."""
    for compute in (lambda: evaluate(expression, {"b": 2}),
                    lambda: evaluate_shape(f"[{expression}]", {"b": 2})):
        try:
            compute()
        except ValueError as error:
            assert str(error)


# -- split_words -----------------------------------------------------------------------------
# Contract (encoder_kit/tagger.py): words and punctuation of any text with their offsets:
# text[start:end] == word, in order, not overlapping, covering every non-space character.


@fuzz(400, slow_data=True)
@given(st.one_of(nasty_text(), with_surrogate(nasty_text(long=False))))
def test_split_words_offsets_hold_for_any_text(text: str) -> None:
    words = split_words(text)
    for word, start, end in words:
        assert 0 <= start < end <= len(text) and text[start:end] == word
        assert word.strip() == word
    assert all(a[2] <= b[1] for a, b in itertools.pairwise(words))
    assert "".join(w for w, _, _ in words) == "".join(text.split())
