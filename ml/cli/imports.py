"""`pushwise import`: files into a project."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ml.cli.common import (
    EXIT_OK,
    EXIT_SAVED_WITH_WARNING,
    Outcome,
    UsageError,
    progress,
)
from ml.columns import Columns, Kind
from ml.errors import InputDataError
from ml.importing.importer import MAPPING_SAMPLE_ROWS
from ml.mapping.mapping import ColumnMapping
from ml.reading.sources import not_a_file_reason
from ml.safecells import write_safe_csv
from ml.store.project import Project
from ml.workflows.imports import (
    ImportOutcome,
    ImportRequest,
    propose_mapping,
    read_joined_preview,
    run_import,
)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    imp = commands.add_parser(
        "import",
        help="import order, feedback, offering or customer files into a project",
        description="Import files into a project (created if missing). Each file "
        "is imported completely or not at all.",
    )
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path)
    imp.add_argument("--project", required=True, type=Path, metavar="P.pushwise")
    imp.add_argument(
        "--kind",
        choices=[k.value for k in Kind],
        help="what the files hold (detected from the columns when omitted)",
    )
    imp.add_argument(
        "--mapping", type=Path, metavar="M.json", help="column mapping saved as JSON"
    )
    imp.add_argument(
        "--join",
        action="append",
        default=[],
        type=Path,
        metavar="RELATED",
        help="a file to join to the order lines by the column they share, such "
        "as order headers (order id, customer, date) or customers (customer id); "
        "repeat for several. The lines and their related files are imported "
        "as one",
    )
    imp.add_argument("--sheet", metavar="NAME", help="Excel sheet to read")
    imp.add_argument(
        "--keep-duplicates",
        action="store_true",
        help="keep exact duplicate lines instead of importing them once",
    )
    imp.add_argument(
        "--no-customers",
        action="store_true",
        help="import order lines as demand without customers (no push plan can "
        "be made for anyone from them). Without it, an orders file where no "
        "customer column is found but a column might hold one is refused, "
        "naming that column",
    )
    imp.add_argument(
        "--save-mapping",
        type=Path,
        metavar="M.json",
        help="write the mapping used for the (last) file to this JSON file",
    )
    imp.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Import every file; print each report; write rejects beside the project."""
    if args.join and len(args.files) > 1:
        raise UsageError("--join goes with one file of order lines at a time.")
    for file in [*args.files, *args.join]:
        problem = not_a_file_reason(file)
        if problem is not None:
            raise UsageError(f"{file}: {problem}")
    mapping = None
    if args.mapping is not None:
        if not args.mapping.is_file():
            raise UsageError(f"{args.mapping}: no such mapping file.")
        text = args.mapping.read_text(encoding="utf-8")
        mapping = ColumnMapping.from_json(text, file=args.mapping.name)
    created = not args.project.exists()
    kind = Kind(args.kind) if args.kind else None
    outcome: Outcome = args.outcome
    code = EXIT_OK
    project = Project.open(args.project, create=True)
    try:
        project.check_writable()  # before reading the files, not after
        for file in args.files:
            # The commit is the truth: if it happened, a later failure or
            # Ctrl-C is reported as "stopped after the import was saved".
            request = ImportRequest(
                file,
                _customers_settled(project, file, args, mapping, kind),
                related=tuple(args.join),
                sheet=args.sheet,
                kind=kind,
                keep_duplicates=args.keep_duplicates,
            )
            with outcome.saving(project, f"the import of {file.name}"):
                imported = run_import(project, request, progress())
            report = imported.report
            print(report.to_text())
            if report.rows_rejected and report.import_id is not None:
                written = _rejects_or_warning(project, imported)
                if written is None:
                    code = EXIT_SAVED_WITH_WARNING
                else:
                    print(f"  All rejected rows: {written}")
            if args.save_mapping is not None:
                args.save_mapping.write_text(report.mapping.to_json(), encoding="utf-8")
    finally:
        try:
            project.close()
        finally:
            # A project this command created but did not fill is not left behind.
            if created and project.commits == 0:
                args.project.unlink(missing_ok=True)
                args.project.with_name(args.project.name + ".wal").unlink(
                    missing_ok=True
                )
    print(f"Project: {args.project}")
    return code


def _customers_settled(
    project: Project,
    file: Path,
    args: argparse.Namespace,
    mapping: ColumnMapping | None,
    kind: Kind | None,
) -> ColumnMapping | None:
    """The mapping to import `file` with, once its customers are settled.

    With --no-customers, the mapping (given, or proposed from the file's first
    rows) without a customer column. Otherwise the given mapping (None:
    detect), after refusing an orders file where no customer column is found
    but a column might hold one: imported silently, every line would be
    demand without a customer.
    """
    if mapping is not None:
        if args.no_customers and mapping.kind is Kind.ORDERS:
            return mapping.with_source(Columns.CUSTOMER, None)
        return mapping
    raw = read_joined_preview(
        file, args.join, sheet=args.sheet, rows=MAPPING_SAMPLE_ROWS
    ).raw
    proposed = propose_mapping(project, raw, kind=kind).mapping
    if proposed.kind is not Kind.ORDERS or proposed.missing_required():
        return None  # not orders, or refused later for what is missing
    if args.no_customers:
        return proposed.with_source(Columns.CUSTOMER, None)
    if proposed.source_of(Columns.CUSTOMER) is not None:
        return None
    problem = (
        "no customer column was found, so every line would be imported as "
        "demand without a customer and no push plan could be made from it."
    )
    elsewhere = (
        "If the customers are in another file (order headers with the customer "
        f"of each order, or a list of customers), run again with --join FILE to "
        f"join it to these lines by the column they share. If {file.name} "
        "really has no customers, run again with --no-customers to import the "
        "lines as demand without customers."
    )
    candidates = proposed.customer_candidates
    if not candidates:
        raise InputDataError(problem, file=raw.info.file, hint=elsewhere)
    named = " or ".join(map(repr, candidates))
    picked = proposed.with_source(Columns.CUSTOMER, candidates[0])
    columns = {c: s for c, s in picked.columns().items() if s is not None}
    example = json.dumps(
        {"version": 1, "kind": "orders", "columns": columns}, ensure_ascii=False
    )
    raise InputDataError(
        f"{problem} The column {named} may hold the customer.",
        file=raw.info.file,
        hint=f"To use {candidates[0]!r}, save this in a file and run again with "
        f"--mapping FILE: {example} (put another column name there if the "
        f"customer is elsewhere). {elsewhere}",
    )


def _rejects_or_warning(project: Project, imported: ImportOutcome) -> Path | None:
    """Write the rejected rows; if that fails, say so on stderr (the import is
    saved all the same) and return None."""
    report = imported.report
    try:
        return _write_rejects(project, imported)
    except OSError as error:
        where = error.filename or f"the folder of {project.path.name}"
        reason = error.strerror or str(error)
        print(
            f"pushwise: The {report.kind} from {report.file} were imported, but "
            f"the list of rejected lines could not be written to {where}: "
            f"{reason}.",
            file=sys.stderr,
        )
        return None


def _write_rejects(project: Project, imported: ImportOutcome) -> Path:
    """Write an import's rejected rows beside the project, as CSV (the columns
    of the import wizard's export)."""
    import_id = imported.report.import_id
    stem = project.path.with_suffix("").name
    target = project.path.with_name(f"{stem}-import{import_id}-rejects.csv")
    return write_safe_csv(imported.rejects, target)
