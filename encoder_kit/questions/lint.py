"""The item linter: cues a test-wise student could use instead of knowing the material.

``lint_paths`` loads question files with the project's loader and checks each question for
what ``../shared/item-writing.md`` forbids and a program can see: the right option longest
(or, over a file, too often at one place of the length order, first, or the one repeating
the prompt's words), ids that say which option is right, "all of the above", absolutes that
mark distractors, an ordering whose file order is its key, variant draws
whose right answer equals a mistake value, duplicate texts, distractors without feedback,
a prompt that quotes the key, pools too small or whose versions share a right answer, and
graded items whose right answer is the same for most students. Every rule is documented,
with a bad and a good example, in ``docs/write-a-question.md``.

A finding is an *error* (it fails ``encoder-kit questions lint`` and the test suite) or a
*warning* (printed with ``--warnings``; it points at an item worth a second look, but an
honest item may show it). Per-group cues are warnings and their rate over a file or folder
is the error: the right option is sometimes the longest by chance, but not often.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "q.yaml"
>>> _ = path.write_text('''
... - id: demo
...   kind: choice
...   title: Demo
...   prompt: Which adaptation fits 400 labelled reviews and no GPU?
...   concepts: [C3]
...   explanation: Few labels and no GPU favour a frozen encoder.
...   options:
...     - {id: a, text: Keep the encoder frozen and train a head, correct: true,
...        feedback: Few labels and no GPU.}
...     - {id: b, text: Fine-tune each of its layers, feedback: Too little data and compute.}
... ''')
>>> for finding in lint_paths([path]):
...     print(finding.rule, finding.severity)
longest-right warning
id-cue error
>>> print(lint_paths([path])[1])  # doctest: +ELLIPSIS
/.../q.yaml: demo: id-cue: the options have positional ids (a, b) and the right one, 'a', is the first (fix: use short neutral ids (k7, m2, p4) that say nothing about position or correctness)
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from .draw.variables import MAX_ENUMERATED, SAMPLED, satisfies, space_size, variable_space
from .draw.variants import Variant, make_variant
from .files.loader import QUESTION_PATH_ENV, QuestionFormatError, parse_questions_text

Severity = Literal["error", "warning"]
# a shape-mistake detector (autograder.shapes.DETECTORS): (answer, expected) -> matches
ShapeDetector = Callable[[tuple[int, ...], tuple[int, ...]], bool]

_SUFFIXES = (".yaml", ".yml")
# a rate of cued groups is judged only over at least this many groups
MIN_GROUPS = 5
# ... and a rate of the other places in the length order over at least this many
MIN_RANK_GROUPS = 20
# the share allowed above chance (10 percentage points, issue 11)
RATE_MARGIN = 0.10
# a right option this many times longer than every distractor is a cue by itself ...
GLARING_RATIO = 1.5
# ... when it is also this many characters longer ("768" against "12" is no cue)
GLARING_MIN_CHARACTERS = 10
# a graded item whose right answer two random students share more often than this fails
MAX_SHARED = 0.35
# identities drawn to look at what students are shown
VIEW_SAMPLES = 20
# feedback on a wrong option shorter than this many words cannot name the mistake
MIN_FEEDBACK_WORDS = 4


@dataclass(frozen=True)
class Rule:
    """A lint rule: its id, default severity and a one-line summary (``--list-rules``)."""

    id: str
    severity: Severity
    summary: str


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("load-error", "error", "the file does not load (YAML or schema error)"),
        Rule(
            "longest-right",
            "warning",
            "in a single-answer group the right option is strictly the longest "
            f"(an error when it is {GLARING_RATIO}x and {GLARING_MIN_CHARACTERS} characters "
            "longer than every other option)",
        ),
        Rule(
            "longest-right-rate",
            "error",
            "over a file or folder, the right option is the longest in more groups than "
            "chance + 10 points",
        ),
        Rule(
            "length-rank-rate",
            "error",
            "over a folder (20 groups or more), the right option is the second (third, ...) "
            "longest or the shortest in more groups than chance + 10 points",
        ),
        Rule(
            "id-cue",
            "error",
            "an id a student sees says which option is right (correct, wrong, key, ...; "
            "a/cause-a/opt-1 for the right one)",
        ),
        Rule(
            "id-cue-rate",
            "error",
            "over a file or folder, the right id comes first in id order in more groups "
            "than chance + 10 points",
        ),
        Rule(
            "stem-overlap-rate",
            "error",
            "over a file or folder, the right option shares the most words with the prompt "
            "in more groups than chance + 10 points",
        ),
        Rule(
            "position-rate",
            "error",
            "over a file or folder, the right option is written first in more groups than "
            "chance + 10 points",
        ),
        Rule("all-of-the-above", "error", "an option 'all of the above' / 'none of the above'"),
        Rule(
            "absolute-distractor",
            "warning",
            "an absolute (always, never, only, all, none) appears only in distractors",
        ),
        Rule(
            "ordering-key-order",
            "error",
            "an ordering's items are written in key order (the file gives the answer away)",
        ),
        Rule(
            "ordering-id-order",
            "error",
            "an ordering's item ids sort in key order (their numbers or their letters)",
        ),
        Rule(
            "ordering-shown-in-key-order",
            "error",
            "a student is shown the items in key order (or always in reverse key order)",
        ),
        Rule(
            "variant-draws",
            "error",
            "a draw where the right answer equals a mistake value, two mistakes collide, "
            "a value cannot be computed or no draw is possible",
        ),
        Rule("duplicate-text", "error", "two options/items/components, or two prompts, read alike"),
        Rule(
            "missing-feedback",
            "error",
            "a wrong option, distractor or step without feedback (a warning when too short)",
        ),
        Rule("prompt-quotes-key", "error", "the prompt contains a right option or key label"),
        Rule("pool-size", "error", "a pool with fewer than 3 versions"),
        Rule(
            "pool-same-answer",
            "error",
            "two versions of a pool have the same right answer (a shuffled copy is no variant)",
        ),
        Rule(
            "shared-answer",
            "error",
            f"a graded item's right answer is shared by more than {MAX_SHARED:.0%} of student "
            "pairs (not a pool, too few distinct numbers)",
        ),
    )
}

_MEANING_WORDS = frozenset(
    "correct incorrect right wrong true false good bad answer key distractor distracter "
    "decoy trap best worst".split()
)
_ABSOLUTES = ("always", "never", "only", "all", "none")
_ABOVE = re.compile(
    r"\b(all|none|both|neither)\s+of\s+(the\s+)?(above|these|those|them|the\s+(other\s+)?"
    r"(options|answers|choices|above))\b|\b(both|either)\s+[a-d]\s+(and|or)\s+[a-d]\b",
    re.IGNORECASE,
)
_SINGULAR = {"options": "option", "causes": "cause", "fixes": "fix"}
_POSITIONAL = re.compile(r"^(?P<prefix>.*?)(?P<position>[a-z]|\d{1,2})$")
_STOP_WORDS = frozenset(
    "a an the of to in on for with and or by from as at is are be that this it its each "
    "one per into than which what who".split()
)


@dataclass(frozen=True)
class Finding:
    """One problem: where (file, question id), which rule, what is wrong and how to fix it."""

    file: str
    question_id: str
    rule: str
    message: str
    fix: str
    severity: Severity = "error"

    @property
    def failing(self) -> bool:
        """True for an error (it fails the lint run); warnings are advice."""
        return self.severity == "error"

    def __str__(self) -> str:
        rule = self.rule if self.failing else f"{self.rule} (warning)"
        return f"{self.file}: {self.question_id}: {rule}: {self.message} (fix: {self.fix})"


@dataclass
class _Group:
    """A single-answer option group (a choice's options, a diagnosis's causes or fixes)."""

    file: str
    question_id: str
    name: str
    options: list[Any]
    stem: str = ""

    @property
    def right(self) -> Any:
        return next(option for option in self.options if option.correct)

    @property
    def chance(self) -> float:
        return 1.0 / len(self.options)


@dataclass
class _Run:
    """What one lint run collects across files: findings, groups per file, prompts seen."""

    shape_detectors: Mapping[str, ShapeDetector] | None
    findings: list[Finding] = field(default_factory=list)
    groups: dict[str, list[_Group]] = field(default_factory=dict)
    prompts: dict[str, tuple[str, str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)

    def add(
        self,
        file: str,
        question_id: str,
        rule: str,
        message: str,
        fix: str,
        severity: Severity | None = None,
    ) -> None:
        self.findings.append(
            Finding(file, question_id, rule, message, fix, severity or RULES[rule].severity)
        )


# ----------------------------------------------------------------------------- helpers


def _norm(text: str) -> str:
    """Text compared case- and space-insensitively, without closing punctuation."""
    return " ".join(str(text).casefold().split()).strip(" .!?;:,")


def _length(text: str) -> int:
    return len(" ".join(str(text).split()))


def _contains(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (case- and space-insensitive)."""
    phrase = _norm(phrase)
    if not phrase:
        return False
    return re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", _norm(text)) is not None


def _content_words(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9][a-z0-9'-]*", str(text).casefold())
    return {word.rstrip("s") or word for word in words if word not in _STOP_WORDS}


def _id_tokens(item_id: str) -> list[str]:
    return [
        t for t in re.split(r"[-_.]+|(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", item_id.casefold()) if t
    ]


def _natural(item_id: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that puts ``opt-2`` before ``opt-10``."""
    parts = re.split(r"(\d+)", item_id.casefold())
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in parts if part)


def _members(question: Any) -> list[Any]:
    """A pool's versions, or the question itself."""
    versions = getattr(question, "versions", None)
    return list(versions) if versions is not None else [question]


def _option_lists(question: Any) -> list[tuple[str, list[Any]]]:
    """Every option list of a choice or diagnosis question, with its name."""
    if question.kind == "choice":
        return [("options", list(question.options))]
    if question.kind == "diagnosis":
        return [("causes", list(question.causes)), ("fixes", list(question.fixes))]
    return []


def _single_groups(question: Any) -> list[tuple[str, list[Any]]]:
    """The single-answer groups (a multiple choice has several right options)."""
    if question.kind == "choice" and question.multiple:
        return []
    return _option_lists(question)


def _stem(question: Any) -> str:
    """What the student reads before the options: the prompt (and a diagnosis's symptom)."""
    if question.kind == "diagnosis":
        return " ".join([question.prompt, question.symptom.text, question.symptom.log or ""])
    return str(question.prompt)


def _echoes_stem(group: _Group) -> bool:
    """The right option shares strictly more content words with the stem than any other."""
    stem = _content_words(group.stem)
    shared = {id(o): len(_content_words(o.text) & stem) for o in group.options}
    right = shared[id(group.right)]
    return all(right > shared[id(o)] for o in group.options if o is not group.right)


def _shown_ids(question: Any) -> list[tuple[str, str]]:
    """(what, id) of every id a student sees."""
    shown = [(_SINGULAR[name], o.id) for name, options in _option_lists(question) for o in options]
    if question.kind == "ordering":
        shown += [("item", i.id) for i in question.items]
        shown += [("distractor", d.id) for d in question.distractors]
    if question.kind == "design":
        shown += [("component", c.id) for c in question.palette]
    return shown


def _example(values: Mapping[str, int]) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(values.items()))


# ----------------------------------------------------------------------------- loading


def _question_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in _SUFFIXES and p.is_file())
    return [path]


def _load(run: _Run, path: Path) -> list[Any]:
    """The file's questions; a load error becomes a finding and an empty list."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        run.add(name, "*", "load-error", f"not UTF-8 text ({error.reason})", "save it as UTF-8")
        return []
    try:
        questions = parse_questions_text(text, name)
    except QuestionFormatError as error:
        message = str(error).removeprefix(f"{name}: ")
        if error.question_id is not None:
            message = message.removeprefix(f"question {error.question_id!r}: ")
        run.add(
            name,
            error.question_id or "*",
            "load-error",
            message,
            "correct the file so that it follows the schema in docs/write-a-question.md",
        )
        return []
    for question in questions:
        for question_id in [question.id, *(m.id for m in _members(question) if m is not question)]:
            if question_id in run.ids and run.ids[question_id] != name:
                run.add(
                    name,
                    question_id,
                    "load-error",
                    f"the id is also used in {run.ids[question_id]}",
                    "give every question, pool and version its own id",
                )
            run.ids.setdefault(question_id, name)
    return questions


# ----------------------------------------------------------------------------- option rules


def _check_groups(run: _Run, file: str, question: Any) -> None:
    for name, options in _single_groups(question):
        group = _Group(file, question.id, name, options, _stem(question))
        run.groups.setdefault(file, []).append(group)
        right = group.right
        others = [o for o in options if o is not right]
        longest_other = max(_length(o.text) for o in others)
        if _length(right.text) > longest_other:
            glaring = (
                _length(right.text) >= GLARING_RATIO * longest_other
                and _length(right.text) - longest_other >= GLARING_MIN_CHARACTERS
            )
            run.add(
                file,
                question.id,
                "longest-right",
                f"the right {_SINGULAR[name]} {right.id!r} is the longest "
                f"({_length(right.text)} characters, the longest other {longest_other})",
                "make a distractor as long and as qualified as the right option, or shorten it",
                "error" if glaring else "warning",
            )
        _check_positional_ids(run, file, question.id, name, options)
        _check_absolutes(run, file, question.id, name, options)


def _check_positional_ids(
    run: _Run, file: str, question_id: str, name: str, options: list[Any]
) -> None:
    """Ids like a/b/c or cause-a/cause-b where the right one comes first."""
    matches = [_POSITIONAL.match(o.id.casefold()) for o in options]
    if not all(matches):
        return
    prefixes = {m.group("prefix") for m in matches if m}
    positions = [m.group("position") for m in matches if m]
    if len(prefixes) != 1 or len(set(positions)) != len(positions):
        return
    if not (all(p.isdigit() for p in positions) or all(p.isalpha() for p in positions)):
        return
    right = next(o for o in options if o.correct)
    first = min(options, key=lambda o: _natural(o.id))
    if first is right:
        run.add(
            file,
            question_id,
            "id-cue",
            f"the {name} have positional ids ({', '.join(o.id for o in options)}) and the "
            f"right one, {right.id!r}, is the first",
            "use short neutral ids (k7, m2, p4) that say nothing about position or correctness",
        )


def _check_absolutes(run: _Run, file: str, question_id: str, name: str, options: list[Any]) -> None:
    right_words = set(
        re.findall(r"[a-z]+", " ".join(o.text for o in options if o.correct).casefold())
    )
    wrong_words = set(
        re.findall(r"[a-z]+", " ".join(o.text for o in options if not o.correct).casefold())
    )
    marking = [word for word in _ABSOLUTES if word in wrong_words and word not in right_words]
    if marking:
        run.add(
            file,
            question_id,
            "absolute-distractor",
            f"{', '.join(repr(w) for w in marking)} "
            f"{'appears' if len(marking) == 1 else 'appear'} only in wrong {name}",
            "drop the absolute, or qualify the right option just as strongly",
        )


def _check_ids(run: _Run, file: str, question: Any) -> None:
    for what, item_id in _shown_ids(question):
        words = sorted(set(_id_tokens(item_id)) & _MEANING_WORDS)
        if words:
            run.add(
                file,
                question.id,
                "id-cue",
                f"the {what} id {item_id!r} says {', '.join(repr(w) for w in words)}; "
                "students see ids",
                "rename it to a short neutral id (k7, m2, p4)",
            )


def _check_option_texts(run: _Run, file: str, question: Any) -> None:
    for name, options in _option_lists(question):
        for option in options:
            if _ABOVE.search(option.text):
                run.add(
                    file,
                    question.id,
                    "all-of-the-above",
                    f"the {_SINGULAR[name]} {option.id!r} reads {option.text!r}",
                    "replace it by a distractor that names a real mistake",
                )


# ----------------------------------------------------------------------------- duplicates


def _check_duplicates(run: _Run, file: str, question: Any) -> None:
    lists: list[tuple[str, list[tuple[str, str]]]] = [
        (name, [(o.id, o.text) for o in options]) for name, options in _option_lists(question)
    ]
    if question.kind == "ordering":
        entries = [*question.items, *question.distractors]
        lists.append(("items and distractors", [(e.id, e.text) for e in entries]))
    if question.kind == "design":
        lists.append(("palette", [(c.id, c.label) for c in question.palette]))
    for name, entries in lists:
        seen: dict[str, str] = {}
        for entry_id, text in entries:
            key = _norm(text)
            if key in seen:
                run.add(
                    file,
                    question.id,
                    "duplicate-text",
                    f"{entry_id!r} and {seen[key]!r} of the {name} read the same ({text!r})",
                    "rewrite one of them so that each says something different",
                )
            seen.setdefault(key, entry_id)
    prompt = _norm(question.prompt)
    if question.kind == "diagnosis":
        prompt += " | " + _norm(question.symptom.text)
    if prompt in run.prompts:
        other_file, other_id = run.prompts[prompt]
        run.add(
            file,
            question.id,
            "duplicate-text",
            f"the prompt is the same as that of {other_id!r} ({other_file})",
            "give each question its own scenario, or remove the copy",
        )
    else:
        run.prompts[prompt] = (file, question.id)


# ----------------------------------------------------------------------------- feedback


def _check_feedback(run: _Run, file: str, question: Any) -> None:
    wrong: list[tuple[str, Any]] = [
        (_SINGULAR[name], option)
        for name, options in _option_lists(question)
        for option in options
        if not option.correct
    ]
    if question.kind == "ordering":
        wrong += [("distractor", d) for d in question.distractors]
        ancestors = question.key().ancestors
        for item in question.items:
            if item.feedback is None and ancestors[item.id]:
                run.add(
                    file,
                    question.id,
                    "missing-feedback",
                    f"the step {item.id!r} has no feedback, but it can be placed too early",
                    "add 'feedback:' saying which step must come before it, and why",
                )
    for what, entry in wrong:
        feedback = getattr(entry, "feedback", None)
        if feedback is None:
            run.add(
                file,
                question.id,
                "missing-feedback",
                f"the {what} {entry.id!r} has no feedback",
                "add 'feedback:' naming the mistake a student who picks it makes",
            )
        elif len(feedback.split()) < MIN_FEEDBACK_WORDS:
            run.add(
                file,
                question.id,
                "missing-feedback",
                f"the feedback on the {what} {entry.id!r} ({feedback!r}) is too short to name "
                "the mistake",
                "say what is wrong with it, in a sentence",
                "warning",
            )


# ----------------------------------------------------------------------------- prompt quotes


def _check_prompt_quotes(run: _Run, file: str, question: Any) -> None:
    texts = [("prompt", question.prompt)]
    phrases: list[tuple[str, str]] = []
    if question.kind == "choice":
        phrases = [(f"the right option {o.id!r}", o.text) for o in question.options if o.correct]
    elif question.kind == "diagnosis":
        texts += [("symptom", question.symptom.text)]
        if question.symptom.log:
            texts.append(("log", question.symptom.log))
        phrases = [
            (f"the right {_SINGULAR[name]} {o.id!r}", o.text)
            for name, options in _option_lists(question)
            for o in options
            if o.correct
        ]
    elif question.kind == "design":
        keyed = {c for design in question.designs for c in design.components}
        labels = {c.id: c.label for c in question.palette}
        phrases = [(f"the key component {c!r}", labels[c]) for c in sorted(keyed)]
        phrases += [(f"the forbidden component {c!r}", labels[c]) for c in question.forbidden]
        if question.justification is not None:
            texts.append(("justification prompt", question.justification.prompt))
    for where, text in texts:
        for what, phrase in phrases:
            quoted = _contains(text, phrase)
            if not quoted and where == "justification prompt":
                words = _content_words(phrase)
                quoted = len(words) >= 3 and len(words & _content_words(text)) >= 0.75 * len(words)
            if quoted:
                run.add(
                    file,
                    question.id,
                    "prompt-quotes-key",
                    f"the {where} contains the text of {what} ({phrase!r})",
                    "describe the situation without naming the answer",
                )


# ----------------------------------------------------------------------------- orderings


def _check_ordering(run: _Run, file: str, question: Any) -> None:
    key = question.key()
    written = [item.id for item in question.items]
    if key.is_valid(written):
        run.add(
            file,
            question.id,
            "ordering-key-order",
            "the items are written in key order, so the file gives the answer away",
            "list the items scrambled; the key belongs in 'order' or 'prerequisites' only",
        )
    else:
        pairs = [(a, b) for b in written for a in key.ancestors[b]]
        if len(pairs) >= 3:
            position = {item: index for index, item in enumerate(written)}
            agree = sum(position[a] < position[b] for a, b in pairs)
            if agree >= 0.8 * len(pairs):
                run.add(
                    file,
                    question.id,
                    "ordering-key-order",
                    f"the items are written almost in key order ({agree} of {len(pairs)} "
                    "ordered pairs agree with the key)",
                    "scramble the items further",
                    "warning",
                )
    _check_ordering_ids(run, file, question.id, key.linearize([]))
    variants = [None] + [
        make_variant(question, "lint", "lint", f"student-{n}") for n in range(VIEW_SAMPLES)
    ]
    in_order = reverse = 0
    for variant in variants:
        restricted = question.key(variant)
        shown = [
            entry["id"]
            for entry in question.student_view(variant)["items"]
            if entry["id"] in restricted.ancestors
        ]
        in_order += restricted.is_valid(shown)
        reverse += restricted.is_valid(shown[::-1])
    if in_order:
        run.add(
            file,
            question.id,
            "ordering-shown-in-key-order",
            f"{in_order} of {len(variants)} sampled students are shown the items in key order",
            "add items or distractors so that a shuffle can avoid the key",
        )
    elif reverse == len(variants):
        run.add(
            file,
            question.id,
            "ordering-shown-in-key-order",
            "every sampled student is shown the items in reverse key order",
            "add items so that the shown order says nothing about the key",
        )


def _check_ordering_ids(run: _Run, file: str, question_id: str, key: Sequence[str]) -> None:
    """Ids are shown to students: ids whose numbers rise (or fall) along the key, or that
    sort alphabetically in key order, give the order away (``o1 l2 u3 ...``)."""
    if len(key) < 3:
        return
    numbers = [re.findall(r"\d+", item) for item in key]
    if all(len(found) == 1 for found in numbers):
        values = [int(found[0]) for found in numbers]
        if values in (sorted(values), sorted(values, reverse=True)) and len(set(values)) > 2:
            run.add(file, question_id, "ordering-id-order",
                    f"the numbers in the item ids follow the key ({' '.join(key)})",
                    "give the steps ids whose numbers do not follow the order (e.g. shuffled "
                    "digits) or descriptive ids")
            return
    if list(key) in (sorted(key), sorted(key, reverse=True)):
        run.add(file, question_id, "ordering-id-order",
                f"the item ids sort alphabetically in key order ({' '.join(key)})",
                "rename the steps so that sorting their ids says nothing about the order")


# ----------------------------------------------------------------------------- variant draws


def _draws(question: Any) -> tuple[list[dict[str, int]], int]:
    specs = question.variable_specs()
    constraints = question.variable_constraints()
    return list(variable_space(specs, constraints)), space_size(specs)


def _answer(question: Any, values: Mapping[str, int]) -> Any:
    variant = Variant(question_id=question.id, seed=None, identity=None, values=dict(values))
    if question.kind == "numeric":
        return question.expected_value(variant)
    return question.expected_shape(variant)


def _draw_problems(
    question: Any, values: Mapping[str, int], detectors: Mapping[str, ShapeDetector] | None
) -> list[str]:
    """What is wrong with one draw (an empty list for a sound draw)."""
    variant = Variant(question_id=question.id, seed=None, identity=None, values=dict(values))
    try:
        expected = _answer(question, values)
    except ValueError as error:
        return [f"the right answer cannot be computed ({error})"]
    problems = []
    if question.kind == "numeric":
        tolerance = max(question.tolerance, 1e-9)
        if not math.isfinite(expected):
            return [f"the right answer is {expected}"]
        wrong: list[tuple[str, float]] = []
        for mistake in question.mistakes:
            try:
                wrong.append((str(mistake.value), question.mistake_value(mistake, variant)))
            except ValueError as error:
                problems.append(f"the mistake {mistake.value!r} cannot be computed ({error})")
        for label, value in wrong:
            if abs(value - expected) <= tolerance:
                problems.append(f"the mistake {label!r} equals the right answer")
        for (first, a), (second, b) in itertools.combinations(wrong, 2):
            if abs(a - b) <= tolerance:
                problems.append(f"the mistakes {first!r} and {second!r} give the same value")
        return problems
    if any(dimension <= 0 for dimension in expected):
        problems.append("the right shape has an axis of size 0 or less")
    shapes: list[tuple[str, tuple[int, ...]]] = []
    earlier_builtin: list[str] = []
    for mistake in question.mistakes:
        if mistake.shape is None:
            earlier_builtin.append(mistake.mistake)
            continue
        try:
            shape = question.mistake_shape(mistake, variant)
        except ValueError as error:
            problems.append(f"the mistake {mistake.mistake!r} cannot be computed ({error})")
            continue
        assert shape is not None
        if shape == expected:
            problems.append(f"the mistake {mistake.mistake!r} equals the right shape")
        for other, other_shape in shapes:
            if other_shape == shape:
                problems.append(f"the mistakes {other!r} and {mistake.mistake!r} give one shape")
        if detectors is not None:
            for builtin in earlier_builtin:
                detector = detectors.get(builtin)
                if detector is not None and detector(shape, expected):
                    problems.append(
                        f"the mistake {mistake.mistake!r} is caught first by the built-in "
                        f"{builtin!r}, whose feedback a student would read"
                    )
        shapes.append((mistake.mistake, shape))
    return problems


def _check_draws(run: _Run, file: str, question: Any) -> None:
    if question.kind not in ("numeric", "shape"):
        return
    draws, size = _draws(question)
    checked = size if size <= MAX_ENUMERATED else SAMPLED
    if not draws:
        run.add(
            file,
            question.id,
            "variant-draws",
            f"no draw satisfies the constraints {question.variable_constraints()}",
            "widen the variables' domains or relax the constraints",
        )
        return
    if len(draws) < 0.01 * checked:
        run.add(
            file,
            question.id,
            "variant-draws",
            f"only {len(draws)} of the {checked} draws checked satisfy the constraints, "
            "so drawing may give up",
            "derive dependent variables with 'plus' instead of rejecting most draws",
        )
    _check_students_draws(run, file, question)
    found: dict[str, tuple[int, Mapping[str, int]]] = {}
    for values in draws:
        for problem in _draw_problems(question, values, run.shape_detectors):
            count, example = found.get(problem, (0, values))
            found[problem] = (count + 1, example)
    for problem, (count, example) in found.items():
        run.add(
            file,
            question.id,
            "variant-draws",
            f"{problem} in {count} of {len(draws)} draws (e.g. {_example(example)})",
            "change the variables' domains, add a constraint, or derive one variable from "
            "another with 'plus'",
        )


def _check_students_draws(run: _Run, file: str, question: Any) -> None:
    """What sampled students actually draw (``make_variant``) keeps the constraints."""
    constraints = question.variable_constraints()
    for number in range(VIEW_SAMPLES):
        student = f"student-{number}"
        try:
            values = make_variant(question, "lint", "lint", student).values
        except ValueError as error:
            run.add(
                file,
                question.id,
                "variant-draws",
                f"drawing the numbers of {student} fails ({error})",
                "derive dependent variables with 'plus' instead of rejecting most draws",
            )
            return
        if not satisfies(values, constraints):
            run.add(
                file,
                question.id,
                "variant-draws",
                f"{student} draws {_example(values)}, which breaks the constraints {constraints}",
                "report this: make_variant must redraw until the constraints hold",
            )
            return


# ----------------------------------------------------------------------------- sharing


def _collision(question: Any) -> float:
    """The chance that two random students of this (non-pool) question share the right answer."""
    if question.kind in ("numeric", "shape"):
        if not question.is_variable:
            return 1.0
        answers: Counter[Any] = Counter()
        for values in _draws(question)[0]:
            try:
                answers[_answer(question, values)] += 1
            except ValueError:
                continue
        total = sum(answers.values())
        return sum((n / total) ** 2 for n in answers.values()) if total else 1.0
    if question.kind == "ordering" and question.draw is not None:
        return 1.0 / math.comb(len(question.items), question.draw.items)
    return 1.0


def _signature(question: Any) -> Any:
    """What a copied answer carries over by: the right texts (or the key's texts)."""
    if question.kind in ("choice", "diagnosis"):
        return tuple(
            frozenset(_norm(o.text) for o in options if o.correct)
            for _, options in _option_lists(question)
        )
    if question.kind == "ordering":
        texts = {entry.id: _norm(entry.text) for entry in question.items}
        return tuple(texts[item] for item in question.key().items), question.key().total
    if question.kind == "design":
        labels = {c.id: _norm(c.label) for c in question.palette}
        return frozenset(
            frozenset(labels[c] for c in design.components) for design in question.designs
        )
    if question.kind in ("numeric", "shape"):
        return None  # numbers: the draws decide, see _collision
    return question.id


def _check_pool(run: _Run, file: str, pool: Any) -> None:
    versions = list(pool.versions)
    if len(versions) < 3:
        run.add(
            file,
            pool.id,
            "pool-size",
            f"the pool has {len(versions)} versions",
            "write at least 3 versions, each another scenario",
        )
    for first, second in itertools.combinations(versions, 2):
        if first.kind in ("choice", "diagnosis"):
            for (name, a), (_, b) in zip(_option_lists(first), _option_lists(second), strict=False):
                right_a = {_norm(o.text) for o in a if o.correct}
                if right_a == {_norm(o.text) for o in b if o.correct}:
                    run.add(
                        file,
                        second.id,
                        "pool-same-answer",
                        f"the right {_SINGULAR[name]} reads the same as in {first.id!r}",
                        "change the scenario so that the right answer is another text",
                    )
        elif _signature(first) is not None and _signature(first) == _signature(second):
            run.add(
                file,
                second.id,
                "pool-same-answer",
                f"the answer is the same as that of {first.id!r}",
                "change the scenario so that the right answer differs",
            )
    if pool.graded and versions:
        share = 1 / len(versions)
        shared = sum(share * share * _collision(v) for v in versions)
        shared += sum(
            2 * share * share
            for a, b in itertools.combinations(versions, 2)
            if _signature(a) is not None and _signature(a) == _signature(b)
        )
        if shared > MAX_SHARED:
            run.add(
                file,
                pool.id,
                "shared-answer",
                f"two random students share the right answer with probability {shared:.0%}",
                "add versions, or give the versions' variables more values",
            )


def _check_shared(run: _Run, file: str, question: Any) -> None:
    if not question.graded or question.kind == "code":
        return
    shared = _collision(question)
    if shared > MAX_SHARED:
        what = (
            "every student has the same right answer"
            if shared >= 1.0
            else f"two random students share the right answer with probability {shared:.0%}"
        )
        fix = (
            "give the variables more values, or make it a pool of versions"
            if question.kind in ("numeric", "shape") and question.is_variable
            else "make it a pool (kind: pool) of at least 3 versions with other right answers"
        )
        run.add(file, question.id, "shared-answer", f"graded, but {what}", fix)


# ----------------------------------------------------------------------------- rates


@dataclass(frozen=True)
class CueRate:
    """How often one cue points at the right option over a set of single-answer groups.

    ``chance`` is the mean of 1/(number of options): what a cue that says nothing would hit.
    """

    rule: str
    hits: int
    groups: int
    chance: float
    what: str = ""

    @property
    def rate(self) -> float:
        """The share of groups where the cue points at the right option."""
        return self.hits / self.groups if self.groups else 0.0

    @property
    def limit(self) -> float:
        """The largest rate allowed: chance + 10 points."""
        return self.chance + RATE_MARGIN

    def __str__(self) -> str:
        return (
            f"{self.rule}: {self.what} in {self.hits} of {self.groups} groups "
            f"({self.rate:.0%}; chance {self.chance:.0%}, allowed {self.limit:.0%})"
        )


def _longest(group: _Group) -> bool:
    right = _length(group.right.text)
    return all(right > _length(o.text) for o in group.options if o is not group.right)


# rule -> (does the cue point at the right option?, what it says, how to fix it)
_CUES: dict[str, tuple[Callable[[_Group], bool], str, str]] = {
    "longest-right-rate": (
        _longest,
        "the right option is the longest",
        "make distractors as long and as qualified as the right option",
    ),
    "id-cue-rate": (
        lambda g: min(g.options, key=lambda o: _natural(o.id)) is g.right,
        "the right id comes first in id order",
        "choose ids so that the right one is not usually first alphabetically",
    ),
    "stem-overlap-rate": (
        _echoes_stem,
        "the right option repeats the most words of the prompt",
        "let distractors use the prompt's words as much as the right option does",
    ),
    "position-rate": (
        lambda g: g.options[0] is g.right,
        "the right option is written first",
        "write the right option at varying places in the list",
    ),
}


_RANK_NAMES = ("longest", "second longest", "third longest", "fourth longest")


def _length_rank(group: _Group) -> int:
    """How many options are strictly longer than the right one (0: it is the longest)."""
    right = _length(group.right.text)
    return sum(_length(o.text) > right for o in group.options)


def _rates(groups: Sequence[_Group]) -> dict[str, tuple[CueRate, list[_Group]]]:
    chance = sum(group.chance for group in groups) / len(groups) if groups else 0.0
    found = {}
    for rule, (cued, what, _) in _CUES.items():
        hits = [group for group in groups if cued(group)]
        found[rule] = (CueRate(rule, len(hits), len(groups), chance, what), hits)
    return found


def _rank_rates(groups: Sequence[_Group]) -> list[tuple[CueRate, list[_Group]]]:
    """For every place in the length order but the first, and for the shortest, how often
    the right option holds it (a writer who trims the right option until it is no longer
    the longest makes "pick the second longest" the cue)."""
    if not groups:
        return []
    found = []
    for rank in range(1, max(len(g.options) for g in groups)):
        chance = sum(1 / len(g.options) for g in groups if rank < len(g.options)) / len(groups)
        hits = [g for g in groups if _length_rank(g) == rank]
        name = _RANK_NAMES[rank] if rank < len(_RANK_NAMES) else f"number {rank + 1} by length"
        what = f"the right option is the {name}"
        found.append((CueRate("length-rank-rate", len(hits), len(groups), chance, what), hits))
    chance = sum(group.chance for group in groups) / len(groups)
    hits = [
        g
        for g in groups
        if _length(g.right.text) < min(_length(o.text) for o in g.options if o is not g.right)
    ]
    what = "the right option is the shortest"
    found.append((CueRate("length-rank-rate", len(hits), len(groups), chance, what), hits))
    return found


def _check_rates(run: _Run, scope: str, groups: list[_Group]) -> None:
    """Rates of cued groups over a file or a folder.

    The three first-place cues are judged from ``MIN_GROUPS`` groups; the other places in
    the length order from ``MIN_RANK_GROUPS`` (several places split the groups further, so
    fewer groups would fail honest files by chance).
    """
    judged: list[tuple[CueRate, list[_Group], str]] = []
    if len(groups) >= MIN_GROUPS:
        judged += [(rate, hits, _CUES[rule][2]) for rule, (rate, hits) in _rates(groups).items()]
    if len(groups) >= MIN_RANK_GROUPS:
        fix = "vary which option is longest; write the right option at every length"
        judged += [(rate, hits, fix) for rate, hits in _rank_rates(groups)]
    for rate, hits, fix in judged:
        if rate.rate > rate.limit + 1e-12:
            examples = ", ".join(f"{g.question_id} ({g.name})" for g in hits[:3])
            run.add(
                scope,
                "*",
                rate.rule,
                f"{rate.what} in {rate.hits} of {rate.groups} single-answer groups "
                f"({rate.rate:.0%}; chance {rate.chance:.0%}, allowed {rate.limit:.0%}); "
                f"e.g. {examples}",
                fix,
            )


# ----------------------------------------------------------------------------- entry points


def _lint_question(run: _Run, file: str, question: Any) -> None:
    if getattr(question, "versions", None) is not None:
        _check_pool(run, file, question)
    else:
        _check_shared(run, file, question)
    for member in _members(question):
        _check_ids(run, file, member)
        _check_groups(run, file, member)
        _check_option_texts(run, file, member)
        _check_duplicates(run, file, member)
        _check_feedback(run, file, member)
        _check_prompt_quotes(run, file, member)
        if member.kind == "ordering":
            _check_ordering(run, file, member)
        _check_draws(run, file, member)


def lint_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    shape_detectors: Mapping[str, ShapeDetector] | None = None,
) -> list[Finding]:
    """Lint question files and folders (``*.yaml`` in a folder, not its subfolders).

    Every finding is returned, warnings included (``Finding.failing`` tells errors apart).
    ``shape_detectors`` (``autograder.shapes.DETECTORS``, passed by the command line, which
    may import the grader) lets ``variant-draws`` see a written mistake shape that a
    built-in mistake listed before it would catch first. A missing path raises
    ``FileNotFoundError``.
    """
    run, scopes = _collect(paths, shape_detectors)
    for name, groups in run.groups.items():
        _check_rates(run, name, groups)
    for scope, names in scopes:
        _check_rates(run, scope, [g for name in names for g in run.groups.get(name, [])])
    return run.findings


def _collect(
    paths: Iterable[str | os.PathLike[str]],
    shape_detectors: Mapping[str, ShapeDetector] | None,
) -> tuple[_Run, list[tuple[str, list[str]]]]:
    """Lint every question; returns the run and the folders given (with their files)."""
    run = _Run(shape_detectors=shape_detectors)
    scopes: list[tuple[str, list[str]]] = []
    resolved = [Path(path) for path in paths]
    for path in resolved:
        if not path.exists():
            raise FileNotFoundError(f"no question file or folder at {path}")
    done: set[Path] = set()  # a file named twice (itself and in its folder) is linted once
    for path in resolved:
        files = _question_files(path)
        names = [str(file) for file in files]
        for file, name in zip(files, names, strict=True):
            if file.resolve() in done:
                continue
            done.add(file.resolve())
            for question in _load(run, file):
                _lint_question(run, name, question)
        if path.is_dir() and len(files) > 1:
            scopes.append((str(path), names))
    return run, scopes


def cue_rates(paths: Iterable[str | os.PathLike[str]]) -> list[CueRate]:
    """The cue rates over all single-answer groups of ``paths`` together.

    This is the figure issue 11 asks for ("the right one is the longest in at most chance +
    10 points of the groups, bank and course together"); ``encoder-kit questions lint
    --rates PATH ...`` prints it.
    """
    run, _ = _collect(paths, None)
    groups = [group for file_groups in run.groups.values() for group in file_groups]
    rates = [rate for rate, _ in _rates(groups).values()]
    return rates + [rate for rate, _ in _rank_rates(groups)]


def selected(
    findings: Iterable[Finding],
    rules: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
) -> list[Finding]:
    """The findings of ``rules`` (all when None), without those of ``ignore``."""
    return [f for f in findings if (rules is None or f.rule in rules) and f.rule not in ignore]


def default_paths() -> list[Path]:
    """What ``encoder-kit questions lint`` checks without arguments: the bank and the path."""
    bank = Path(str(resources.files("encoder_kit.questions").joinpath("bank")))
    extra = [Path(p) for p in os.environ.get(QUESTION_PATH_ENV, "").split(os.pathsep) if p]
    return [bank, *(p for p in extra if p.exists())]  # like the loader: stale entries skipped


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="encoder-kit questions lint",
        description="Check question files for cues that give the answer away "
        "(rules: docs/write-a-question.md).",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"question files or folders (default: the practice bank and ${QUESTION_PATH_ENV})",
    )
    parser.add_argument(
        "--rule",
        action="append",
        choices=sorted(RULES),
        metavar="RULE",
        help="check only this rule (repeatable)",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        choices=sorted(RULES),
        metavar="RULE",
        help="skip this rule (repeatable)",
    )
    parser.add_argument("--warnings", action="store_true", help="print warnings too")
    parser.add_argument("--strict", action="store_true", help="warnings fail as well")
    parser.add_argument("--list-rules", action="store_true", help="list the rules and exit")
    parser.add_argument(
        "--rates",
        action="store_true",
        help="print the cue rates over all PATHs together (longest right option, right id "
        "first, right option written first) after the findings",
    )
    return parser


def main(
    argv: list[str] | None = None,
    *,
    shape_detectors: Mapping[str, ShapeDetector] | None = None,
) -> int:
    """``encoder-kit questions lint``: 0 when clean, 1 with findings, 2 for a bad path."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_rules:
        for rule in RULES.values():
            print(f"{rule.id:28} {rule.severity:8} {rule.summary}")
        return 0
    paths = [Path(p) for p in args.paths] or default_paths()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(
            f"encoder-kit questions lint: no question file or folder at {', '.join(missing)}; "
            "give YAML files or folders that hold them",
            file=sys.stderr,
        )
        return 2
    findings = selected(lint_paths(paths, shape_detectors=shape_detectors), args.rule, args.ignore)
    failing = [f for f in findings if f.failing or args.strict]
    shown = findings if (args.warnings or args.strict) else failing
    for finding in shown:
        print(finding)
    hidden = len(findings) - len(shown)
    summary = f"{len(failing)} problem(s)" if failing else "no problems"
    if hidden:
        summary += f", {hidden} warning(s) not shown (--warnings shows them)"
    print(f"{summary} in {', '.join(str(p) for p in paths)}", file=sys.stderr)
    if args.rates:
        for rate in cue_rates(paths):
            print(rate)
    return 1 if failing else 0


__all__ = [
    "RULES",
    "CueRate",
    "Finding",
    "Rule",
    "cue_rates",
    "default_paths",
    "lint_paths",
    "main",
    "selected",
]


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
