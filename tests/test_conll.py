"""CoNLL files, sentence and tag checks, and the IOB2 helpers (no model needed)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encoder_kit.conll import (
    check_sentences,
    check_tags,
    entity_spans,
    read_conll,
    repair_iob2,
    to_iob2,
    write_conll,
)

SENTENCES = [["Ada", "Lovelace", "lived", "in", "London", "."], ["Hi", "@bob"]]
TAGS = [["B-PER", "I-PER", "O", "O", "B-LOC", "O"], ["O", "B-person"]]

tags_strategy = st.lists(
    st.sampled_from(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]), min_size=1, max_size=12
)


def _is_valid_iob2(tags: list[str]) -> bool:
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            return False
        prev = tag
    return True


# -- reading and writing ------------------------------------------------------------------
def test_write_then_read_gives_back_the_same_sentences(tmp_path):
    path = tmp_path / "out.conll"
    write_conll(path, SENTENCES, TAGS)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Ada\tB-PER\nLovelace\tI-PER\n")
    assert text.endswith("@bob\tB-person\n\n")
    assert read_conll(path) == (SENTENCES, TAGS)


def test_read_skips_docstart_and_handles_blank_variants(tmp_path):
    path = tmp_path / "in.conll"
    path.write_text(
        "-DOCSTART-\tO\n\nJohn\tB-PER\nran\tO\n\t\n\n\nParis\tB-LOC\r\n",  # no final blank line
        encoding="utf-8",
    )
    sentences, tags = read_conll(path)
    assert sentences == [["John", "ran"], ["Paris"]]
    assert tags == [["B-PER", "O"], ["B-LOC"]]


def test_read_accepts_conll2003_space_columns(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n",
                    encoding="utf-8")
    assert read_conll(path) == ([["EU", "rejects"]], [["B-ORG", "O"]])


def test_malformed_line_fails_with_its_line_number(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("John\tB-PER\n\nMary\tB-PER\nlikes\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 4: expected 'token<TAB>tag'.*'likes'"):
        read_conll(path)


def test_line_with_an_empty_tag_is_malformed(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("John\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        read_conll(path)


def test_write_refuses_words_that_would_break_the_format(tmp_path):
    with pytest.raises(ValueError, match=r"sentences\[0\]\[1\].*tabs or line breaks"):
        write_conll(tmp_path / "x.conll", [["a", "b\tc"]], [["O", "O"]])
    with pytest.raises(ValueError, match=r"tags\[0\] has 1 tags but sentence 0 has 2"):
        write_conll(tmp_path / "x.conll", [["a", "b"]], [["O"]])


def test_shared_wikigold_file_reads_completely(shared_data):
    sentences, tags = read_conll(shared_data / "wikigold" / "wikigold.conll")
    assert len(sentences) == 1696
    assert sum(map(len, sentences)) == 39007
    check_tags(tags, sentences)  # the README says: valid IOB2 everywhere


# -- input checks ---------------------------------------------------------------------------
def test_check_sentences_rejects_a_string_with_a_fix():
    with pytest.raises(TypeError, match=r"single string.*text.split\(\)"):
        check_sentences("Ada Lovelace")
    with pytest.raises(TypeError, match=r"sentences\[0\] is a string.*list of words"):
        check_sentences(["Ada", "Lovelace"])


def test_check_sentences_rejects_empty_sentences_and_non_strings():
    with pytest.raises(ValueError, match=r"sentences\[1\] is an empty sentence"):
        check_sentences([["a"], []])
    with pytest.raises(TypeError, match=r"sentences\[0\]\[1\] is int"):
        check_sentences([["a", 3]])
    with pytest.raises(ValueError, match="sentences is empty"):
        check_sentences([], allow_empty=False)
    assert check_sentences((("a", "b"),)) == [["a", "b"]]


def test_check_tags_length_mismatch_names_the_sentence():
    with pytest.raises(ValueError, match=r"tags\[1\] has 1 tags but sentence 1 has 2 words"):
        check_tags([["B-PER"] * 6, ["O"]], SENTENCES)
    with pytest.raises(ValueError, match="1 tag lists for 2 sentences"):
        check_tags([TAGS[0]], SENTENCES)


@pytest.mark.parametrize("bad", ["PER", "S-PER", "E-LOC", "B_PER", "B-", "o", ""])
def test_check_tags_rejects_unknown_schemes(bad):
    with pytest.raises(ValueError, match="not an IOB2 tag.*to_iob2"):
        check_tags([["O", bad]], [["a", "b"]])


def test_check_tags_rejects_iob1_with_the_conversion_to_use():
    with pytest.raises(ValueError, match=r"tags\[0\]\[1\] = 'I-PER' continues no 'PER'.*to_iob2"):
        check_tags([["O", "I-PER"]], [["a", "b"]])
    with pytest.raises(ValueError, match="continues no 'LOC'"):
        check_tags([["B-PER", "I-LOC"]], [["a", "b"]])


# -- IOB2 helpers ---------------------------------------------------------------------------
def test_repair_turns_orphan_inside_tags_into_begins():
    assert repair_iob2(["I-PER", "I-PER", "O", "I-LOC", "B-PER", "I-ORG"]) == [
        "B-PER", "I-PER", "O", "B-LOC", "B-PER", "B-ORG"]
    assert repair_iob2(["B-PER", "I-PER"]) == ["B-PER", "I-PER"]


@given(tags_strategy)
def test_repair_always_gives_valid_iob2_and_keeps_valid_input(tags):
    repaired = repair_iob2(tags)
    assert _is_valid_iob2(repaired)
    assert [t[2:] for t in repaired] == [t[2:] for t in tags]  # types never change
    if _is_valid_iob2(tags):
        assert repaired == tags


def test_to_iob2_reads_other_schemes():
    assert to_iob2(["I-PER", "I-PER", "B-PER", "O"]) == ["B-PER", "I-PER", "B-PER", "O"]  # IOB1
    assert to_iob2(["B-LOC", "E-LOC", "S-PER", "U-ORG", "O"]) == [
        "B-LOC", "I-LOC", "B-PER", "B-ORG", "O"]  # BIOES / BILOU
    assert to_iob2(["PER", "PER", "O", "LOC"]) == ["B-PER", "I-PER", "O", "B-LOC"]  # IO


def test_entity_spans():
    assert entity_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "I-ORG"]) == [
        ("PER", 0, 2), ("LOC", 3, 4), ("LOC", 4, 5), ("ORG", 5, 6)]
    assert entity_spans(["O", "O"]) == []
