"""The user's regional setting, as far as date order is concerned."""

from __future__ import annotations

import locale
import os
import plistlib
import re
import sys
from pathlib import Path

# Territories whose short date format is month-first (CLDR / glibc D_FMT):
# the United States and the places that follow its conventions.
_MONTH_FIRST = frozenset({"US", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "UM", "VI"})
_MONTH_FIRST_NAMES = ("united states", "philippines", "puerto rico")


def _windows_locale() -> str:
    if sys.platform == "win32":
        import ctypes

        buffer = ctypes.create_unicode_buffer(85)
        if ctypes.windll.kernel32.GetUserDefaultLocaleName(buffer, len(buffer)):
            return str(buffer.value)
    return ""


def _macos_locale() -> str:
    # GUI apps started from Finder get no LANG; the preference file has it.
    plist = Path.home() / "Library/Preferences/.GlobalPreferences.plist"
    try:
        with plist.open("rb") as handle:
            value = plistlib.load(handle).get("AppleLocale", "")
    except (OSError, plistlib.InvalidFileException, ValueError):
        return ""
    return value if isinstance(value, str) else ""


def user_locale_name() -> str:
    """The user's locale name for dates ("en_US.UTF-8", "de-DE", ...), "" if unknown."""
    for var in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return value
    name = _windows_locale() if sys.platform == "win32" else ""
    if not name and sys.platform == "darwin":
        name = _macos_locale()
    if not name:
        name = locale.getlocale(locale.LC_TIME)[0] or ""
    return name


def locale_day_first(name: str | None = None) -> bool:
    """True unless the user's locale (or ``name``) writes dates month-first (en_US)."""
    text = user_locale_name() if name is None else name
    # "en_US.UTF-8", "en-US", "English_United States.1252"
    m = re.match(r"^[A-Za-z]{2,3}[_-](?:[A-Za-z]{4}[_-])?([A-Za-z]{2})\b", text)
    if m is not None:
        return m.group(1).upper() not in _MONTH_FIRST
    lowered = text.lower()
    # Unknown, "C" and "POSIX" fall back to day-first, the order most of the world uses.
    return not any(n in lowered for n in _MONTH_FIRST_NAMES)
