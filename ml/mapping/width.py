"""How many columns a file may have for its headers to be mapped at all.

An order, feedback, offering or customer export has a few dozen columns: the
widest known layouts (Shopify orders about 80, survey tools a few hundred for
long questionnaires) stay well under MAX_COLUMNS. Matching every header
against every synonym costs a few milliseconds per column, so a file with
100,000 columns (a matrix, a transposed table, a wrong file) would take
minutes and gigabytes; it is refused at once instead, with a message that says
what was found.
"""

from __future__ import annotations

from collections.abc import Sequence

from ml.errors import InputDataError
from ml.mapping.normalize import LINE_COLUMN

MAX_COLUMNS = 1_000


def check_width(headers: Sequence[str], *, file: str | None = None) -> None:
    """Refuse a file with more than MAX_COLUMNS columns (InputDataError)."""
    count = sum(1 for header in headers if header != LINE_COLUMN)
    if count <= MAX_COLUMNS:
        return
    raise InputDataError(
        f"the file has {count:,} columns; an order, feedback, offering or "
        f"customer export has a few dozen (Pushwise maps at most {MAX_COLUMNS:,}).",
        file=file,
        hint="Check that this is the right file, or export only the columns you need.",
    )
