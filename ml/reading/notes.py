"""Column-name cleaning and the plain-language notes a read leaves for the user."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ml.reading.model import LINE_COLUMN, shorten

_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_LISTED = 10  # line numbers spelled out in a note before "and N more"


def clean_names(
    raw: Sequence[str | None], label: Callable[[int], str]
) -> tuple[list[str], list[str]]:
    """Strip names, name empty ones, and make duplicates unique with " (2)".

    Duplicates are found ignoring case because DuckDB, where the table goes next,
    treats "Email" and "email" as the same column.
    """
    names: list[str] = []
    notes: list[str] = []
    seen = {LINE_COLUMN.casefold()}
    for index, value in enumerate(raw):
        base = _BREAKS.sub(" ", (value or "").strip())
        if not base:
            base = f"Column {label(index)}"
            notes.append(f"Column {label(index)} has no name; called it '{base}'")
        name, suffix = base, 2
        while name.casefold() in seen:
            name = f"{base} ({suffix})"
            suffix += 1
        if name != base and base.casefold() == LINE_COLUMN:
            notes.append(
                f"Column {label(index)} is named '{base}', which Pushwise uses for "
                f"line numbers; renamed it to '{name}'"
            )
        elif name != base:
            notes.append(
                f"Column {label(index)} repeats the name '{base}'; "
                f"renamed it to '{name}'"
            )
        seen.add(name.casefold())
        names.append(name)
    return names, notes


def line_list(lines: Sequence[int]) -> str:
    """'5, 9, 12' or '5, 9, ... and 40 more' for a note."""
    shown = ", ".join(str(line) for line in lines[:_LISTED])
    rest = len(lines) - _LISTED
    return f"{shown} and {rest} more" if rest > 0 else shown


def span(lines: Sequence[int], unit: str = "line") -> str:
    """'line 3' or 'lines 1-4' (for a contiguous run) or 'lines 2, 5'."""
    if len(lines) == 1:
        return f"{unit} {lines[0]}"
    if list(lines) == list(range(lines[0], lines[-1] + 1)):
        return f"{unit}s {lines[0]}-{lines[-1]}"
    return f"{unit}s {line_list(lines)}"


def plural(count: int, word: str) -> str:
    """'1 line', '4 lines'."""
    return f"{count} {word}{'s' * (count != 1)}"


def header_note(
    lines: Sequence[int], blank: set[int], unit: str = "line"
) -> str | None:
    """Note on lines skipped before the column names (titles, filters, blanks)."""
    if not lines:
        return None
    if all(line in blank for line in lines):
        blank_lines = plural(len(lines), "blank " + unit)
        return f"Skipped {blank_lines} before the column names ({span(lines, unit)})"
    return (
        f"Skipped {plural(len(lines), unit)} of report header before the column "
        f"names ({span(lines, unit)})"
    )


def footer_note(line: int, text: str, unit: str = "line") -> str:
    """Note on one skipped report footer line."""
    return f"Skipped footer {unit} {line}: '{shorten(text.strip(), 80)}'"


def blank_note(lines: Sequence[int], unit: str = "line") -> str | None:
    """Note on empty lines skipped among or after the data."""
    if not lines:
        return None
    return f"Skipped {plural(len(lines), 'empty ' + unit)} ({span(lines, unit)})"


def bad_note(
    lines: Sequence[int], why: str = "with the wrong number of fields"
) -> str | None:
    """Note on data lines left out (by default: their field count is wrong)."""
    if not lines:
        return None
    return (
        f"Left out {plural(len(lines), 'line')} {why} ({span(lines)}); "
        "see the import report"
    )
