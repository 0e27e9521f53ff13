"""Keep tests/benchmarks/RESULTS.md: each benchmark owns one section."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def replace_section(title: str, section: str) -> None:
    """Put `section` (starting with the `title` line) in place of the old one,
    keeping every other section; append it when it is new."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Results\n"
    head, marker, rest = text.partition(title)
    if marker:
        _, _, after = rest.partition("\n## ")
        text = head + section + (f"\n## {after}" if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
