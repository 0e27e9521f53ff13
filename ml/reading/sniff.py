"""Find a text table's delimiter, its column-name row and report header/footer lines.

Everything here works on small samples (the first and last lines of a file), parsed
with the csv module so that quotes are respected.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ml.errors import InputDataError

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {
    ",": "commas (,)",
    ";": "semicolons (;)",
    "\t": "tabs",
    "|": "pipes (|)",
}
_SAMPLE_RECORDS = 200
_MAX_FOOTER_LINES = 10
# The csv module refuses fields over 128 KiB by default. Raised once for the
# process: a per-call save/restore would race between reader threads.
csv.field_size_limit(2**31 - 1)

# Trailing lines CRM and shop reports put after the data (checked on the first
# non-empty cell of a line, so a product named "Total Gym" is not a footer).
FOOTER_PHRASE = re.compile(
    r"""^\s*(?:
        grand\s+totals?\b | (?:sub-?)?totals?\s*(?:\(.*\))?\s*:?\s*$ | sum\s*:?\s*$
      | gesamt(?:summe)?\b | summe\s*:?\s*$ | total\s+g[ée]n[ée]ral\b
      | confidential\b | copyright\b | ©|\(c\)\s*\d{4} | .*\ball\s+rights\s+reserved\b
      | (?:report\s+)?(?:generated|created|exported|printed|run)\s+(?:by|on|at|with)\b
      | powered\s+by\b | \d[\d,.]*\s+records?\b | (?:record|row)\s+count\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_NUMBER = re.compile(r"\s*[-+]?[\d.,]*\d[\d.,]*\s*")


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: its physical lines, fields and raw text (without line end)."""

    line: int
    end_line: int
    fields: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class Layout:
    """Delimiter, modal field count and the column-name record of a text table."""

    delimiter: str
    width: int
    header: Record
    pre_header: tuple[Record, ...]  # non-blank records before the header


def iter_records(text: str, delimiter: str, *, first_line: int = 1) -> Iterator[Record]:
    """Parse `text` into records with their physical line numbers (CR, LF, CRLF)."""
    raw: list[str] = []
    source = io.StringIO(text, newline="")

    def keep_lines() -> Iterator[str]:
        for physical in source:
            raw.append(physical)
            yield physical

    reader = csv.reader(keep_lines(), delimiter=delimiter, quotechar='"', strict=False)
    done = 0
    try:
        for fields in reader:
            record_text = "".join(raw)
            raw.clear()
            yield Record(
                first_line + done,
                first_line + reader.line_num - 1,
                tuple(fields),
                strip_line_break(record_text),
            )
            done = reader.line_num
    except csv.Error as exc:  # only odd control characters get here
        raise InputDataError(
            f"the text cannot be split into fields ({exc}).",
            row=first_line + done,
            hint="Open the file in a spreadsheet and save it again as CSV.",
        ) from exc


def strip_line_break(text: str) -> str:
    """`text` without one final CR, LF or CRLF."""
    if text.endswith("\r\n"):
        return text[:-2]
    return text[:-1] if text.endswith(("\r", "\n")) else text


def is_blank(fields: Sequence[str]) -> bool:
    """A line with no content: nothing, only spaces, or only empty fields."""
    if len(fields) <= 1:
        return not fields or not fields[0].strip()
    return not any(fields)


def looks_like_header(fields: Sequence[str]) -> bool:
    """Column names: at least half the cells filled, and some letters.

    Not "every cell": a pandas index column or a forgotten name leaves one empty,
    while a report title line padded to the table width ("Sales,,,,") has one.
    """
    cells = [field.strip() for field in fields]
    filled = sum(1 for cell in cells if cell)
    if filled == 0 or 2 * filled < len(cells):
        return False
    return any(char.isalpha() for cell in cells for char in cell)


def sniff_delimiter(text: str, *, complete: bool) -> str:
    """The candidate delimiter that splits most sample records into the same count
    of two or more fields (',' when none splits any: a one-column file)."""
    best: tuple[float, int] | None = None
    chosen = ","
    for delimiter in DELIMITERS:
        records = _sample(text, delimiter, complete)
        width = table_width(records)
        if width < 2:
            continue
        same = sum(1 for record in records if len(record.fields) == width)
        score = (same / len(records), width)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def table_width(records: Sequence[Record]) -> int:
    """The modal field count of the records with two or more fields (else 1).

    One-field lines are left out: report titles, filters and footers are such
    lines, and in a short report they can outnumber the data rows. On a tie the
    count seen first wins, usually the column-name row's.
    """
    counts = Counter(len(r.fields) for r in records if len(r.fields) >= 2)
    if not counts:
        return 1
    most = max(counts.values())
    return next(len(r.fields) for r in records if counts.get(len(r.fields)) == most)


def find_layout(
    text: str, file: str, *, complete: bool, delimiter: str | None = None
) -> Layout:
    """Delimiter (detected unless given), field count and header record from the
    first part of a file."""
    if delimiter is None:
        delimiter = sniff_delimiter(text, complete=complete)
    records = _sample(text, delimiter, complete)
    if not records:
        raise InputDataError("the file is empty (only blank lines).", file=file)
    width = table_width(records)
    candidates = [r for r in records if len(r.fields) == width]
    header = next((r for r in candidates if looks_like_header(r.fields)), candidates[0])
    pre_header = tuple(r for r in records if r.line < header.line)
    if pre_header and pre_header[-1].end_line == header.line - 1:
        _check_names_above(pre_header[-1], header, delimiter, width, file)
    return Layout(delimiter, width, header, pre_header)


def _sample(text: str, delimiter: str, complete: bool) -> list[Record]:
    """The first non-blank records; a record cut off by the sample end is dropped."""
    records: list[Record] = []
    last: Record | None = None
    for record in iter_records(text, delimiter):
        if last is not None and not is_blank(last.fields):
            records.append(last)
            if len(records) >= _SAMPLE_RECORDS:
                return records
        last = record
    if last is not None and complete and not is_blank(last.fields):
        records.append(last)
    return records


def _check_names_above(
    line: Record, header: Record, delimiter: str, width: int, file: str
) -> None:
    """Refuse a file whose real column names sit just above the row taken for them
    but do not fit the data rows: another delimiter, or another field count."""
    if (
        len(line.fields) >= 2
        and looks_like_header(line.fields)
        and any(not cell.strip() or _NUMBER.fullmatch(cell) for cell in header.fields)
    ):
        raise InputDataError(
            f"this row looks like the column names but has {len(line.fields)} "
            f"fields, while the data rows below it have {width}.",
            file=file,
            row=line.line,
            hint="Make every line have the same number of fields (a delimiter at "
            "the end of each data line is a common cause).",
        )
    for other in DELIMITERS:
        if other == delimiter:
            continue
        fields = next(iter_records(line.text, other)).fields
        if len(fields) == width and looks_like_header(fields):
            raise InputDataError(
                f"the column names are separated by {DELIMITER_NAMES[other]} but "
                f"the data rows by {DELIMITER_NAMES[delimiter]}, so values cannot "
                "be matched to columns.",
                file=file,
                row=line.line,
                hint="Save the file again with one delimiter throughout (for "
                "example from Excel as 'CSV UTF-8').",
            )


@dataclass(frozen=True, slots=True)
class Footer:
    """Trailing lines after the data: footer lines (with text) and blank lines."""

    first_line: int  # first line of the trailing block (blank or footer)
    lines: tuple[tuple[int, str], ...]  # (line, text) of footer lines
    blank: tuple[int, ...]


def is_footer_phrase(cells: Sequence[str]) -> bool:
    """Totals, copyright, confidentiality and 'generated by' lines of reports."""
    first = next((cell for cell in cells if cell.strip()), "")
    return bool(FOOTER_PHRASE.match(first))


def find_footer(
    tail: str, tail_first_line: int, *, delimiter: str, width: int, after_line: int
) -> Footer:
    """Walk back from the end over blank and footer-like lines (never past after_line).

    A footer line matches a report phrase, or has another field count and at most
    two filled cells; a cut-off data row with more cells stays a bad line.
    """
    lines = _LINE_BREAK.split(tail)
    if lines and lines[-1] == "":
        lines.pop()
    footer: list[tuple[int, str]] = []
    blank: list[int] = []
    first = tail_first_line + len(lines)
    for index in range(len(lines) - 1, -1, -1):
        number = tail_first_line + index
        text = lines[index]
        if number <= after_line:
            break
        fields = _clean_fields(text, delimiter)
        if fields is not None and is_blank(fields):
            blank.append(number)
            first = number
            continue
        if fields is None or len(footer) >= _MAX_FOOTER_LINES:
            break
        filled = sum(1 for field in fields if field.strip())
        if not is_footer_phrase(fields) and (len(fields) == width or filled > 2):
            break
        footer.append((number, ", ".join(f.strip() for f in fields if f.strip())))
        first = number
    return Footer(first, tuple(reversed(footer)), tuple(sorted(blank)))


def _clean_fields(line: str, delimiter: str) -> tuple[str, ...] | None:
    """Fields of a line that is a whole record on its own, else None.

    Every field must be unquoted without quotes or fully quoted; the last line of a
    multi-line quoted value never is, so the footer walk stops there.
    """
    field = rf'(?:"[^"]*(?:""[^"]*)*"|[^"{re.escape(delimiter)}]*)'
    if re.fullmatch(f"{field}(?:{re.escape(delimiter)}{field})*", line) is None:
        return None
    record = next(iter_records(line, delimiter), None)
    return () if record is None else record.fields
