"""Whether a contact-history row belongs to a control group: yes/no flags, or
the group's name ("Control", "Holdout", "No E-Mail" against "Test",
"Treatment", "Mens E-Mail")."""

from __future__ import annotations

from ml.parsing.flags import flag_sql
from ml.parsing.text import fold_sql
from ml.sqltext import quote_literal

# Folded (lower-case, accent-free) names of a control group, in the languages
# of the headers.
CONTROL_WORDS = frozenset(
    {
        "control",
        "control group",
        "controls",
        "holdout",
        "hold out",
        "held out",
        "no mail",
        "no email",
        "no e-mail",
        "no e mail",
        "not contacted",
        "not mailed",
        "kontrolle",
        "kontrollgruppe",
        "temoin",
        "groupe temoin",
        "grupo de control",
        "grupo control",
        "controllo",
        "gruppo di controllo",
        "grupo de controle",
        "controle",
        "controlegroep",
    }
)


def control_sql(expr: str) -> str:
    """DuckDB SQL -> BOOLEAN: TRUE for a control group's row, else FALSE.

    Yes/no flags read as "in the control group: yes/no"; any other group
    name that is not a control word (or an empty cell) is a group that was
    contacted.
    """
    words = ", ".join(quote_literal(w) for w in sorted(CONTROL_WORDS))
    flag = flag_sql(expr)
    return (
        f"CASE WHEN {fold_sql(expr)} IN ({words}) THEN TRUE "
        f"ELSE coalesce({flag}, FALSE) END"
    )
