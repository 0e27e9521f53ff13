"""Cells and headings made safe to open in a spreadsheet: the one rule every
CSV and XLSX export of Pushwise applies (CSV/formula injection, OWASP).

The rule, for a text cell or a column heading (numbers, dates and empty
cells are left as they are, so a -5 stays a number):

1. Every control character (U+0000 to U+001F, U+007F to U+009F) and the
   Unicode line and paragraph separators become a space. Why not keep a line
   break inside a quoted cell? Python's csv module and Excel read a quoted
   break as part of the cell, but many CRM importers, LibreOffice with some
   import settings and every line-based tool start a new row there, and the
   rest of the cell (``a\\r=1+1``) then begins a row with a formula. The cells
   Pushwise writes are ids, names, reasons and messages, where a line break
   carries no meaning, so one space loses nothing a user needs. It also rids
   an XLSX of the characters openpyxl refuses to write (U+0000 to U+0008,
   U+000B, U+000C, U+000E to U+001F), which made a whole export fail.
2. A cell whose first character after any leading whitespace is ``=``, ``+``,
   ``-`` or ``@`` (or their full-width forms, which some spreadsheets also
   take as a formula) gets a leading apostrophe, so the spreadsheet shows it
   as text and never runs it; unless the cell is a plain number such as
   ``-5`` or ``+1.5e3``, which no spreadsheet runs as anything but a number.

``safe_sql`` applies the same rule inside DuckDB for exports written by
``COPY``; both are built from the same character lists below.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

APOSTROPHE = "'"
# Code point ranges (inclusive) of the characters that become a space.
_CONTROL_RANGES = ((0x00, 0x1F), (0x7F, 0x9F), (0x2028, 0x2029))
# Code point ranges of the whitespace a spreadsheet may skip before a formula
# (after rule 1 every control character is already a space).
_SPACE_RANGES = (
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200B),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)
# Characters that start a formula: = + - @ and their full-width forms.
_FORMULA_STARTS = (0x3D, 0x2B, 0x2D, 0x40, 0xFF1D, 0xFF0B, 0xFF0D, 0xFF20)
# A plain number, which no spreadsheet runs as a formula (no inf, no nan).
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"


def _python_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges) + "]"


def _re2_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges) + "]"


def _starts(flavour: Any) -> str:
    return str(flavour((code, code) for code in _FORMULA_STARTS))


_CONTROL_RE = re.compile(_python_class(_CONTROL_RANGES))
_RISKY_RE = re.compile(_python_class(_SPACE_RANGES) + "*" + _starts(_python_class))
_NUMBER_RE = re.compile(_python_class(_SPACE_RANGES) + "*" + _NUMBER + " *")
# A cell that may need the rule: a control character anywhere, or a formula
# start after leading whitespace (RE2, for Arrow's vectorised search).
_NEEDS_WORK_RE2 = (
    f"{_re2_class(_CONTROL_RANGES)}|^{_re2_class(_SPACE_RANGES)}*{_starts(_re2_class)}"
)


def safe_text(text: str) -> str:
    """The text as a spreadsheet shows it without running it (the module's rule)."""
    cleaned = _CONTROL_RE.sub(" ", text)
    if _RISKY_RE.match(cleaned) and not _NUMBER_RE.fullmatch(cleaned):
        return APOSTROPHE + cleaned
    return cleaned


def safe_heading(name: Hashable) -> str:
    """A column heading as text, made safe (headings often come from the user)."""
    return safe_text(str(name))


def safe_series(values: pd.Series) -> pd.Series:
    """The column with every text cell made safe; other cells unchanged."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if not (values.dtype == object or pd.api.types.is_string_dtype(values.dtype)):
        return values
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "string":
        is_text = values.notna()
    else:  # mixed: only the str cells are text
        is_text = values.map(lambda value: isinstance(value, str)).astype(bool)
    if not is_text.any():
        return values
    # Most cells need nothing: find the few that do in Arrow (RE2, in C++),
    # and apply the rule to those alone.
    text = values[is_text].astype("string[pyarrow]")
    needs = text.str.contains(_NEEDS_WORK_RE2, regex=True).to_numpy(dtype=bool)
    out = values.astype(object)  # a copy: the caller's frame stays as it was
    if needs.any():
        positions = np.flatnonzero(is_text.to_numpy())[needs]  # index may repeat
        out.iloc[positions] = [safe_text(str(value)) for value in text[needs]]
    return out


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of the frame with safe text cells and safe column headings."""
    out = pd.DataFrame(
        {
            number: safe_series(frame.iloc[:, number])
            for number in range(frame.shape[1])
        },
        index=frame.index,
    )
    out.columns = pd.Index([safe_heading(name) for name in frame.columns])
    return out


def write_safe_csv(frame: pd.DataFrame, path: str | Path, **options: Any) -> Path:
    """Write the frame as CSV (no index) with safe cells and headings.

    ``options`` go to ``DataFrame.to_csv`` (encoding, date_format, ...).
    """
    target = Path(path)
    safe_frame(frame).to_csv(target, index=False, **options)
    return target


def safe_sql(expression: str) -> str:
    """A DuckDB expression giving ``expression`` as text under the same rule
    (NULL stays NULL), for exports that DuckDB writes itself with COPY."""
    text = (
        f"regexp_replace(CAST({expression} AS VARCHAR), "
        f"'{_re2_class(_CONTROL_RANGES)}', ' ', 'g')"
    )
    spaces = _re2_class(_SPACE_RANGES)
    risky = f"'^{spaces}*{_starts(_re2_class)}'"
    number = f"'{spaces}*{_NUMBER} *'"
    return (
        f"CASE WHEN regexp_matches({text}, {risky}) "
        f"AND NOT regexp_full_match({text}, {number}) "
        f"THEN '{APOSTROPHE}{APOSTROPHE}' || {text} ELSE {text} END"
    )
