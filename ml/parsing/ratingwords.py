"""Rating words, folded (lower case, no accents), with their value in [0, 1].

Five-point satisfaction and quality scales map to 1, 0.75, 0.5, 0.25, 0;
"very good" and "very poor" sit between (0.875, 0.125) so that scales such as
excellent / very good / good / fair / poor stay strictly ordered.
"""

from __future__ import annotations

_LEVELS: dict[float, tuple[str, ...]] = {
    1.0: (
        "very satisfied", "extremely satisfied", "completely satisfied", "excellent",
        "outstanding", "amazing", "perfect", "loved it", "sehr zufrieden",
        "ausserst zufrieden", "vollig zufrieden", "ausgezeichnet", "hervorragend",
        "exzellent", "tres satisfait", "parfait", "muy satisfecho", "muy satisfecha",
        "excelente", "zeer tevreden", "uitstekend", "uitmuntend", "muito satisfeito",
        "otimo",
    ),
    0.875: (
        "very good", "great", "sehr gut", "tres bien", "tres bon", "muy bueno",
        "muy bien", "zeer goed", "heel goed", "muito bom",
    ),
    0.75: (
        "satisfied", "good", "zufrieden", "gut", "satisfait", "bien", "bon",
        "satisfecho", "satisfecha", "bueno", "tevreden", "goed", "satisfeito", "bom",
    ),
    0.5: (
        "neutral", "average", "ok", "okay", "o.k.", "fair", "so-so", "mixed",
        "neither satisfied nor dissatisfied", "mittel", "mittelmassig",
        "durchschnittlich", "befriedigend", "weder noch", "teils teils", "neutre",
        "moyen", "correct", "passable", "ni satisfait ni insatisfait", "regular",
        "normal", "neutro", "ni satisfecho ni insatisfecho", "neutraal", "gemiddeld",
        "redelijk", "razoavel",
    ),
    0.25: (
        "dissatisfied", "unsatisfied", "poor", "bad", "unzufrieden", "schlecht",
        "mangelhaft", "insatisfait", "mecontent", "mauvais", "insatisfecho",
        "insatisfecha", "malo", "mal", "ontevreden", "slecht", "matig",
        "insatisfeito", "ruim",
    ),
    0.125: (
        "very poor", "very bad", "sehr schlecht", "tres mauvais", "muy malo",
        "zeer slecht", "muito ruim",
    ),
    0.0: (
        "very dissatisfied", "extremely dissatisfied", "very unsatisfied",
        "completely dissatisfied", "terrible", "awful", "horrible", "hated it",
        "sehr unzufrieden", "ungenugend", "katastrophal", "furchtbar",
        "tres insatisfait", "tres mecontent", "nul", "muy insatisfecho",
        "muy insatisfecha", "pesimo", "zeer ontevreden", "verschrikkelijk",
        "vreselijk", "muito insatisfeito", "pessimo",
    ),
}  # fmt: skip

_BINARY_WORDS: dict[float, tuple[str, ...]] = {
    1.0: (
        "up", "thumbs up", "thumb up", "👍", "yes", "y", "positive", "like", "liked",
        "helpful", "recommended", "+1", "ja", "daumen hoch", "positiv", "gefallt mir",
        "oui", "positif", "j'aime", "si", "positivo", "me gusta", "positief", "sim",
    ),
    0.0: (
        "down", "thumbs down", "thumb down", "👎", "no", "n", "negative", "dislike",
        "disliked", "not helpful", "not recommended", "-1", "nein", "daumen runter",
        "negativ", "non", "negatif", "negativo", "no me gusta", "nee", "negatief",
        "nao",
    ),
}  # fmt: skip

BINARY: dict[str, float] = {w: v for v, words in _BINARY_WORDS.items() for w in words}
LABELS: dict[str, float] = {
    w: v for v, words in _LEVELS.items() for w in words
} | BINARY
