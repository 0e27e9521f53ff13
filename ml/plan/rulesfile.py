"""Push rules as JSON: a RULES.json file for `pushwise recommend --rules`, and
the rules saved in the project so that the command line and the GUI agree.

The JSON is one object whose keys are PlanRules fields, each optional (left
out: the default), e.g. ``{"due_share": 0.5, "max_per_customer": 5}``;
``"recent_purchase_days": 7`` brings back the old fixed rule.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ml.errors import ProjectError, PushwiseError
from ml.plan.rules import PlanRules

if TYPE_CHECKING:  # light: the GUI reads and writes rules without the store
    from ml.store.project import Project

# The project setting that holds the rules (ml.store.settings).
RULES_SETTING = "plan_rules"
_WHOLE = "a whole number"
_NUMBER = "a number"
_SWITCH = "true or false"
# What each field takes, in words; "or null" where None is allowed.
_KINDS = {
    "int": _WHOLE,
    "int | None": f"{_WHOLE} or null",
    "float": _NUMBER,
    "bool": _SWITCH,
    "bool | None": f"{_SWITCH} or null",
}
_FIX = "Fix the value, or leave the key out to use the default."
_EXAMPLE = 'Write one JSON object, e.g. {"due_share": 0.5, "max_per_customer": 5}.'


class RulesFileError(PushwiseError):
    """Push rules that cannot be used: not JSON, an unknown key or a bad value."""


def rules_from_mapping(values: Mapping[str, Any], *, source: str) -> PlanRules:
    """PlanRules from a JSON object's keys; RulesFileError naming source and key."""
    kinds = {field.name: str(field.type) for field in fields(PlanRules)}
    checked: dict[str, Any] = {}
    for key, value in values.items():
        if key not in kinds:
            close = difflib.get_close_matches(str(key), list(kinds), n=1)
            hint = f"Did you mean '{close[0]}'?" if close else ""
            raise RulesFileError(
                f"unknown key '{key}'.",
                file=source,
                hint=f"{hint} The keys are: {', '.join(kinds)}.".strip(),
            )
        kind = kinds[key]
        if not _is_kind(value, kind):
            raise RulesFileError(
                f"key '{key}': {json.dumps(value)} is not {_KINDS[kind]}.",
                file=source,
                hint=_FIX,
            )
        whole = kind.startswith("int") and value is not None
        checked[key] = int(value) if whole else value
    try:
        return PlanRules(**checked)
    except ValueError as error:
        # PlanRules' messages start with the key: "due_share must be ...".
        raise RulesFileError(
            f"key {str(error).rstrip('.')}.", file=source, hint=_FIX
        ) from None


def _is_kind(value: object, kind: str) -> bool:
    """Whether a JSON value fits a PlanRules field of this annotated type."""
    if value is None:
        return kind.endswith("| None")
    if kind.startswith("bool"):
        return isinstance(value, bool)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if not math.isfinite(value):
        return False
    return kind == "float" or float(value).is_integer()


def rules_from_json(text: str, *, source: str) -> PlanRules:
    """PlanRules from JSON text (an object of PlanRules fields)."""
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        raise RulesFileError(
            f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg}).",
            file=source,
            hint=_EXAMPLE,
        ) from None
    if not isinstance(values, dict):
        raise RulesFileError("holds no JSON object.", file=source, hint=_EXAMPLE)
    return rules_from_mapping(values, source=source)


def read_rules(path: Path | str) -> PlanRules:
    """Read a RULES.json file."""
    target = Path(path)
    try:
        text = target.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RulesFileError(
            "no such file.", file=str(target), hint="Check the path of --rules."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RulesFileError(
            f"cannot be read ({error}).",
            file=str(target),
            hint="Save the rules as a UTF-8 JSON text file.",
        ) from None
    return rules_from_json(text, source=str(target))


def rules_to_json(rules: PlanRules) -> str:
    """The rules as a JSON object with every field (what read_rules reads)."""
    return json.dumps(asdict(rules), indent=2)


def load_project_rules(project: Project) -> PlanRules:
    """The push rules saved in the project (the defaults if none are saved)."""
    return saved_rules(project.setting(RULES_SETTING), source=str(project.path))


def saved_rules(text: str | None, *, source: str) -> PlanRules:
    """PlanRules from a project's saved rules setting (None: the defaults);
    ProjectError if they cannot be used."""
    if text is None:
        return PlanRules()
    try:
        return rules_from_json(text, source=source)
    except RulesFileError as error:
        raise ProjectError(
            f"its saved push rules cannot be used ({error.reason})",
            file=source,
            hint="Set the push rules again on the Push plan page, or run "
            "`pushwise recommend --rules RULES.json`.",
        ) from error


def save_project_rules(project: Project, rules: PlanRules) -> None:
    """Save the push rules in the project (replacing the ones saved before)."""
    project.save_setting(RULES_SETTING, rules_to_json(rules))
