"""A single-byte file is read as Windows-1252 or Latin-1 exactly as Python's
codecs read it, whichever shortcut the decoder takes (issue 13)."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ml.reading.encoding import UTF8_MULTIBYTE, decode_text

# Undefined in Windows-1252: a file holding one is Latin-1.
_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
# ASCII text, German letters (not UTF-8 on their own), and the bytes where the
# two encodings differ or UTF-8 continues a sequence.
_BYTES = st.sampled_from(
    [
        *(0x41, 0x3B, 0x0A, 0x20, 0xE4, 0xF6, 0xFC, 0xDF, 0xC4, 0xD6),
        *(0x80, 0x81, 0x84, 0x8D, 0x93, 0x96, 0x9F, 0xA0, 0xB0, 0xBF, 0xFF),
    ]
)


def _expected(data: bytes) -> str:
    return "latin-1" if _UNDEFINED & set(data) else "cp1252"


@settings(max_examples=300, deadline=None)
@given(st.lists(_BYTES, max_size=16))
def test_single_byte_text_reads_as_the_codec_reads_it(body: list[int]) -> None:
    data = b"Land;Menge\n\xe4" + bytes(body) + b";1\n"
    assume(UTF8_MULTIBYTE.search(data) is None)  # UTF-8 or mixed: other tests
    decoded = decode_text(data, "export.csv")
    encoding = _expected(data)
    assert decoded.encoding == encoding
    assert decoded.data == data.decode(encoding).encode("utf-8")


def test_every_byte_value_reads_as_the_codec_reads_it() -> None:
    for value in range(0x80, 0x100):
        data = "Land\nGroßbritannien ".encode("cp1252") + bytes([value]) + b"\n"
        decoded = decode_text(data, "export.csv")
        encoding = _expected(data)
        assert decoded.encoding == encoding, hex(value)
        assert decoded.data == data.decode(encoding).encode("utf-8"), hex(value)


def test_a_euro_sign_is_read_as_windows_1252() -> None:
    data = "Preis\n5 €\nÖsterreich\n".encode("cp1252")
    assert decode_text(data, "export.csv").data.decode("utf-8").split("\n")[1] == (
        "5 €"
    )
