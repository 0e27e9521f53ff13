"""The import's fast paths give exactly what the slow ones gave."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ml.reading.encoding import UTF8_MULTIBYTE, has_utf8_multibyte

# Bytes around UTF-8 lead and continuation values, where the rules' edges are.
_EDGES = st.sampled_from(
    [
        *(0x41, 0x0A, 0x3B, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1),
        *(0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5),
        *(0xFF, 0xE4, 0xF6, 0xFC),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_EDGES, max_size=12))
def test_utf8_sequences_are_found_as_the_regular_expression_finds_them(
    values: list[int],
) -> None:
    data = bytes(values)
    assert has_utf8_multibyte(data) == (UTF8_MULTIBYTE.search(data) is not None)


def test_a_windows_1252_text_has_no_utf8_sequence_and_a_mixed_one_has() -> None:
    text = "Menge;Land\n3;Großbritannien\n2;Österreich\n".encode("cp1252") * 1000
    assert not has_utf8_multibyte(text)
    assert has_utf8_multibyte(text + "5;Dänemark\n".encode())


def test_a_sequence_across_two_scanned_parts_is_found(monkeypatch) -> None:
    import ml.reading.encoding as encoding

    monkeypatch.setattr(encoding, "_SCAN", 4)
    assert has_utf8_multibyte(b"abc" + "ö".encode())  # lead byte ends a part
    assert not has_utf8_multibyte(b"abc" + "ö".encode("cp1252") + b"abcd")
