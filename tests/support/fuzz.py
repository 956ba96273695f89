"""Strategies and settings shared by the fuzz tests (tests/test_fuzz_*.py).

Every fuzz test runs derandomized (a fixed seed derived from the test itself) and without
the example database, so a CI run is deterministic and writes nothing; a failure prints the
falsifying example, which then becomes a plain regression test.
"""

from __future__ import annotations

import operator
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def fuzz(max_examples: int, *, slow_data: bool = False) -> settings:
    """Deterministic settings. No deadline: timings on 2 shared cores vary too much; hangs are
    caught by ``pytest.mark.timeout`` instead.

    ``slow_data``: the strategy builds big values (long words, huge answers) on purpose, so the
    too_slow / data_too_large health checks would only report what the test asks for.
    """
    checks = [HealthCheck.too_slow, HealthCheck.data_too_large] if slow_data else []
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=checks)


# Characters and snippets that break text handling: controls and NUL, zero-width characters,
# combining marks, right-to-left text and overrides, emoji sequences, noncharacters, private
# use, special-token look-alikes, compatibility forms, and the word shapes the tagger's
# splitter treats specially (URLs, mentions, clitics, abbreviations).
SPECIAL = [
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c",
    "\u2028", "\u2029", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad",
    "\u0301", "e\u0301", "Z\u0351\u0352\u0353\u0354\u0355\u0356", "\u0e49\u0e49\u0e49",
    "\u202e", "\u200f", "\u202a", "\u2067", "שלום", "مرحبا", "\u0627\u0644\u0639",
    "😀", "👩\u200d👩\u200d👧\u200d👦", "🏳\ufe0f\u200d🌈", "\U0001f1fa\U0001f1f8", "👍🏽",
    "\ufffd", "\uffff", "\ufffe", "\U0010ffff", "\ue000", "\U000e0041",
    "[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]", "<s>", "</s>", "##ing",
    "Ａｄａ", "ﬁ", "ß", "İ", "ǅ", "\u3000", "漢字", "ｶﾀｶﾅ", "\U00020000", "①", "²", "١٢",
    "https://x.org/a?b=1", "www.x.org", "@ada", "#tag", "U.S.", "isn't", "Smith's", "O’Neil",
    "Ada", "Lovelace", "London", "New", "York", "1843", "3.5", "-", "...", "'", "&", "",
    " ", "  ",
]

# Text without surrogates (hypothesis leaves them out by default): any code point.
plain_text = st.text(max_size=30)
special = st.sampled_from(SPECIAL)
# A long run of one unit: a single very long "word" (or a long run of marks or spaces).
long_run = st.builds(
    operator.mul,
    st.sampled_from(["a", "é", "😀", "\u0301", "ab-", "x.", "9", "漢", "\u200b", " ", "\n"]),
    st.integers(100, 3000),
)


def nasty_text(*, long: bool = True) -> st.SearchStrategy[str]:
    """Any text: random code points, special snippets joined by spaces or not, long runs."""
    pieces = st.one_of(plain_text, special, special, special)
    joined = st.builds(
        lambda parts, sep: sep.join(parts),
        st.lists(pieces, max_size=12),
        st.sampled_from(["", " ", "\n", " \u200b"]),
    )
    options = [plain_text, joined, joined]
    if long:
        options.append(long_run)
    return st.one_of(*options)


def nasty_word(*, long: bool = True) -> st.SearchStrategy[str]:
    """A "word" as a user might pass one: often a normal word, else anything at all."""
    options = [special, special, special, plain_text.map(lambda s: s[:8])]
    if long:  # rarer than in texts: a sentence of several long words costs many windows
        options.append(long_run)
    return st.one_of(*options)


def with_surrogate(base: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``base`` text with a lone surrogate (legal in a Python str, not valid Unicode) inside."""
    return st.builds(
        lambda a, s, b: a + s + b,
        base,
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        base,
    )


# Values that are not what any of the functions under test take: for "wrong type" errors.
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), plain_text,
)
junk: st.SearchStrategy[Any] = st.recursive(
    st.one_of(json_scalars, st.binary(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(plain_text, inner, max_size=3),
        st.frozensets(st.integers(), max_size=3),
    ),
    max_leaves=8,
)
