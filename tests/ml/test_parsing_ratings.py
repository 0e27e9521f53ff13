"""Rating scale detection and normalisation to [0, 1] in DuckDB."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml.parsing.ratings import RatingScale, detect_rating_scale, rating_sql
from ml.parsing.ratingwords import LABELS
from tests.ml.sql_helpers import run_sql


def normalise(
    con: duckdb.DuckDBPyConnection,
    values: Sequence[str | None],
    header: str | None = None,
) -> tuple[RatingScale, list[object]]:
    scale = detect_rating_scale(values, header)
    assert scale is not None, values
    return scale, run_sql(con, rating_sql("x", scale), values)


@pytest.mark.parametrize(
    ("values", "low", "high"),
    [
        (["1", "5", "3"], 1, 5),  # max <= 5, min >= 1: stars
        (["0", "5", "3"], 0, 5),  # a zero: 0-5
        (["1", "10", "7"], 1, 10),  # 5 < max <= 10, no zero: 1-10
        (["0", "10", "7"], 0, 10),  # a zero: NPS 0-10
        (["2", "7", "4"], 1, 7),  # whole numbers up to 7: Likert 1-7
        (["0", "0.5", "1"], 0, 1),
        (["15", "80", "100"], 0, 100),
        (["80%", "55 %"], 0, 100),
        (["4/5", "3/5"], 1, 5),
        (["7/10", "0/10"], 0, 10),
        (["4 stars", "5 Sterne", "3 étoiles"], 1, 5),
        (["-1", "1", "0"], -1, 1),
        (["4,5", "3"], 1, 5),
    ],
)
def test_numeric_scale_rules(values, low, high) -> None:
    scale = detect_rating_scale(values)
    assert scale is not None
    assert (scale.kind, scale.low, scale.high) == ("numeric", low, high)


def test_nps_header_means_zero_to_ten_even_without_zeros(con) -> None:
    scale, out = normalise(con, ["3", "9", "4"], header="NPS score")
    assert (scale.low, scale.high) == (0, 10)
    assert out == pytest.approx([0.3, 0.9, 0.4])
    assert detect_rating_scale(["3", "9", "4"], "How likely to recommend?") == scale


def test_one_to_five_normalises_linearly(con) -> None:
    _, out = normalise(con, ["1", "2", "3", "4", "5", "4.5"])
    assert out == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0, 0.875])


def test_values_outside_the_scale_or_text_become_null(con) -> None:
    scale = detect_rating_scale(["1", "5"])
    assert scale is not None
    out = run_sql(con, rating_sql("x", scale), ["6", "0", "-1", "great", "", None])
    assert out == [None] * 6


def test_fraction_values_rescale_by_their_denominator(con) -> None:
    scale, out = normalise(con, ["4/5", "5/5", "8/10", "1/5"])
    assert (scale.low, scale.high) == (1, 10)
    # each "x/n" is read on its own 1..n scale: 4/5 is as good as 4 stars
    assert out == pytest.approx([0.75, 1.0, 7 / 9, 0.0])


def test_percent_ratings(con) -> None:
    _, out = normalise(con, ["80%", "100%", "0%"])
    assert out == pytest.approx([0.8, 1.0, 0.0])


def test_star_symbols(con) -> None:
    scale, out = normalise(con, ["★★★★☆", "★☆☆☆☆", "★★★★★", "⭐⭐⭐"])
    assert (scale.kind, scale.low, scale.high) == ("stars", 1, 5)
    assert out == pytest.approx([0.75, 0.0, 1.0, 0.5])


def test_thumbs(con) -> None:
    values = ["👍", "👎", "Thumbs up", "thumbs down", "Like", "dislike", "yes", "no"]
    scale, out = normalise(con, values)
    assert scale.kind == "thumbs"
    assert out == [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]


def test_plus_minus_one_is_a_thumbs_scale(con) -> None:
    _, out = normalise(con, ["+1", "-1", "+1"])
    assert out == [1.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Very satisfied", 1.0),
        ("Satisfied", 0.75),
        ("Neutral", 0.5),
        ("Dissatisfied", 0.25),
        ("Very dissatisfied", 0.0),
        ("Excellent", 1.0),
        ("Good", 0.75),
        ("average", 0.5),
        ("OK", 0.5),
        ("poor", 0.25),
        ("bad", 0.25),
        ("terrible", 0.0),
        ("Sehr zufrieden", 1.0),
        ("zufrieden", 0.75),
        ("Unzufrieden", 0.25),
        ("Très satisfait", 1.0),
        ("satisfait", 0.75),
        ("INSATISFAIT", 0.25),
        ("Muy satisfecho", 1.0),
        ("satisfecho", 0.75),
        ("insatisfecho", 0.25),
        ("Zeer tevreden", 1.0),
        ("tevreden", 0.75),
        ("ontevreden", 0.25),
        ("  very   good", None),  # inner spacing is not normalised
        ("whatever", None),
    ],
)
def test_text_labels(con, text, expected) -> None:
    scale = detect_rating_scale(["Very satisfied", "neutral", text])
    assert scale is not None and scale.kind == "labels"
    assert run_sql(con, rating_sql("x", scale), [text]) == [expected]


def test_not_ratings() -> None:
    assert detect_rating_scale(["hello", "world", "5"]) is None
    assert detect_rating_scale(["120", "4000"]) is None
    assert detect_rating_scale([None, ""]) is None


def test_label_values_are_ordered_like_the_words() -> None:
    order = [
        "excellent",
        "very good",
        "good",
        "average",
        "poor",
        "very poor",
        "terrible",
    ]
    values = [LABELS[w] for w in order]
    assert values == sorted(values, reverse=True)
    assert all(0.0 <= v <= 1.0 for v in LABELS.values())


# ---------------------------------------------------------------------------
# Properties: normalised ratings lie in [0, 1] and keep the order of the originals.


def _assert_in_unit_range_and_monotone(pairs: list[tuple[float, object]]) -> None:
    for _, out in pairs:
        assert isinstance(out, float) and 0.0 <= out <= 1.0, pairs
    pairs.sort(key=lambda p: p[0])
    outs = [out for _, out in pairs]
    assert outs == sorted(outs), pairs  # type: ignore[type-var]


@settings(
    max_examples=200,
    deadline=None,
)
@given(
    top=st.sampled_from([1, 5, 7, 10, 100]),
    data=st.data(),
    header=st.sampled_from([None, "Rating", "NPS"]),
)
def test_numeric_ratings_are_in_range_and_monotone(con, top, data, header) -> None:
    if top == 1:
        numbers = st.floats(0, 1, allow_nan=False).map(lambda v: round(v, 2))
    else:
        numbers = st.integers(0, top).map(float)
    values = data.draw(st.lists(numbers, min_size=1, max_size=30))
    texts = [f"{v:g}" for v in values]
    scale = detect_rating_scale(texts, header)
    assert scale is not None, texts
    out = run_sql(con, rating_sql("x", scale), texts)
    _assert_in_unit_range_and_monotone(list(zip(values, out, strict=True)))


@settings(
    max_examples=100,
    deadline=None,
)
@given(counts=st.lists(st.integers(0, 5), min_size=1, max_size=20))
def test_star_ratings_are_in_range_and_monotone(con, counts) -> None:
    texts = ["★" * n + "☆" * (5 - n) for n in counts]
    scale = detect_rating_scale(texts)
    assert scale is not None
    out = run_sql(con, rating_sql("x", scale), texts)
    _assert_in_unit_range_and_monotone(
        [(float(n), o) for n, o in zip(counts, out, strict=True)]
    )


@settings(
    max_examples=100,
    deadline=None,
)
@given(words=st.lists(st.sampled_from(sorted(LABELS)), min_size=1, max_size=20))
def test_label_ratings_are_in_range_and_monotone(con, words) -> None:
    scale = detect_rating_scale(words)
    if scale is None or scale.kind not in ("labels", "thumbs"):
        return  # e.g. only "+1"/"-1": read as numbers, covered above
    out = run_sql(con, rating_sql("x", scale), words)
    _assert_in_unit_range_and_monotone(
        [(LABELS[w], o) for w, o in zip(words, out, strict=True)]
    )


def test_padded_cells_convert_without_trim(con) -> None:
    scale = detect_rating_scale(["1", "5"])
    assert scale is not None
    assert run_sql(con, rating_sql("x", scale), ["  4  ", "", " "]) == [
        0.75,
        None,
        None,
    ]
