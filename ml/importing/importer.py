"""Import one file into a project: read, map, validate and store, all or nothing."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import pyarrow as pa

from ml.columns import Columns, Kind
from ml.errors import InputDataError
from ml.importing.checking import check_rows, discard_checked
from ml.importing.formats import ColumnFormats, detect_formats
from ml.importing.joins import join_tables
from ml.importing.repairs import repair_sentences
from ml.importing.report import ImportReport
from ml.importing.writer import store_rows
from ml.mapping.evidence import sample_columns
from ml.mapping.infer import (
    apply_saved,
    infer_kind,
    infer_mapping,
    layout_signature,
)
from ml.mapping.mapping import ColumnMapping
from ml.parsing.dates import locale_day_first
from ml.progress import ReportFn, StopFn, check_cancel, never, no_report, scaled
from ml.reading.fingerprint import FileState, check_unchanged, file_state
from ml.reading.model import RawTable
from ml.reading.readers import read_table
from ml.reading.sources import check_regular_file
from ml.store.project import ImportRecord, Project

MAPPING_SAMPLE_ROWS = 2_000
EXAMPLES_PER_REASON = 3


def import_file(
    project: Project,
    path: str | Path,
    *,
    related: Sequence[str | Path] = (),
    kind: Kind | None = None,
    mapping: ColumnMapping | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    keep_duplicates: bool = False,
    day_first_default: bool | None = None,
    report: ReportFn = no_report,
    stop_requested: StopFn = never,
) -> ImportReport:
    """Import one orders, feedback, offerings or customers file into the project.

    `related`: files joined to the order lines by their shared keys (order
    headers, customers; see ml/importing/joins.py), imported as one with it.
    Every row ends as imported, imported as a return, or rejected with a reason.
    The import is all or nothing: on any error or cancellation the project is
    left exactly as it was. A text file's encoding and delimiter are detected
    unless given.
    """
    paths = [Path(path), *map(Path, related)]
    path = paths[0]
    report(0.0, f"Checking {paths[0].name}")
    for each in paths:
        check_regular_file(each)
    # The hash names the content; the file must still hold it after reading, so
    # that a file still being written is never stored in part (or its complete
    # version later refused as "already imported").
    states = [file_state(each) for each in paths]
    check_cancel(stop_requested)
    raws = [
        _read_unchanged(
            each,
            before,
            (sheet, encoding, delimiter) if number == 0 else (None, None, None),
            scaled(
                report,
                0.02 + 0.43 * number / len(paths),
                0.02 + 0.43 * (number + 1) / len(paths),
            ),
            stop_requested,
        )
        for number, (each, before) in enumerate(zip(paths, states, strict=True))
    ]
    if len(raws) == 1:
        raw, content_hash = raws[0], states[0].sha256
    else:
        joined = join_tables(raws)
        raw, path = joined.raw, paths[joined.lines]
        content_hash = _combined_hash(states, joined.lines)
        del joined
    del raws
    check_cancel(stop_requested)
    report(0.46, "Matching the columns")
    mapping = resolve_mapping(project, raw, kind=kind, mapping=mapping)
    kind = mapping.kind
    previous = project.find_import(content_hash, str(kind))
    if previous is not None:
        return _already_imported(raw, mapping, previous.import_id)
    if day_first_default is None:
        day_first_default = locale_day_first()
    formats = detect_formats(
        raw.table, mapping, file=raw.info.file, day_first_default=day_first_default
    )
    check_cancel(stop_requested)
    info, rows_read = raw.info, raw.table.num_rows + len(raw.bad_lines)
    read_info, signature = _read_info_dict(raw, formats), _signature(raw)
    report(0.5, "Checking the rows")
    checked = check_rows(
        project,
        raw,
        mapping,
        formats,
        report=scaled(report, 0.5, 0.75),
        stop_requested=stop_requested,
    )
    del raw  # its rows are not needed any more: let their memory go
    pa.default_memory_pool().release_unused()  # to the system, not kept by Arrow
    try:
        with project.transaction():
            import_id = project.next_import_id()
            stored = store_rows(
                project,
                checked,
                mapping,
                formats,
                import_id,
                keep_duplicates,
                report=scaled(report, 0.75, 0.97),
                stop_requested=stop_requested,
            )
            check_cancel(stop_requested)
            imported, returns = stored.imported, stored.returns
            reasons = stored.reasons
            rejected = sum(reasons.values())
            # What was repaired or kept is said where the reader's notes are.
            notes = (*info.notes, *repair_sentences(stored.repairs))
            project.add_import(
                ImportRecord(
                    import_id=import_id,
                    file_name=info.file,
                    file_path=str(path.resolve()),
                    content_hash=content_hash,
                    size_bytes=sum(state.size for state in states),
                    kind=str(kind),
                    imported_at=datetime.now().replace(microsecond=0),
                    mapping_json=mapping.to_json(),
                    read_info=read_info,
                    rows_read=rows_read,
                    rows_imported=imported,
                    rows_returns=returns,
                    rows_rejected=rejected,
                    reasons=reasons,
                    notes=notes,
                )
            )
            project.save_mapping(signature, str(kind), mapping.to_json())
            examples = _examples(project, import_id)
            check_cancel(stop_requested)
    finally:
        discard_checked(project)  # a rollback keeps temporary tables
    report(1.0, f"Imported {path.name}")
    return ImportReport(
        file=info.file,
        kind=kind,
        import_id=import_id,
        rows_read=rows_read,
        rows_imported=imported,
        rows_returns=returns,
        rows_rejected=rejected,
        reasons=reasons,
        read_info=replace(info, notes=notes),
        mapping=mapping,
        formats=formats.descriptions(),
        examples=examples,
        adjusted={code: count for code, (count, _) in stored.repairs.items()},
    )


def resolve_mapping(
    project: Project,
    raw: RawTable,
    *,
    kind: Kind | None,
    mapping: ColumnMapping | None,
) -> ColumnMapping:
    """The mapping to use: the user's, else the one remembered for this layout,
    else one inferred from headers and values. Fails when required columns are
    missing."""
    headers = raw.headers
    file = raw.info.file
    if mapping is not None:
        absent = [
            m.source for m in mapping.matches if m.source and m.source not in headers
        ]
        if absent:
            raise InputDataError(
                f"the mapping names column(s) {', '.join(map(repr, absent))} that "
                f"the file does not have. Its columns are: {', '.join(headers)}.",
                file=file,
                hint="Correct the mapping file or let Pushwise detect the columns.",
            )
        if kind is not None and mapping.kind is not kind:
            raise InputDataError(
                f"the mapping is for {mapping.kind} but --kind says {kind}.",
                file=file,
                hint="Use a mapping made for this kind of file.",
            )
    else:
        mapping = propose_mapping(project, raw, kind=kind).mapping
    missing = mapping.missing_required()
    if looks_like_order_headers(mapping, missing):
        raise InputDataError(
            "this looks like a file of order headers: one row per order with "
            f"its {mapping.source_of(Columns.ORDER)}, but no products.",
            file=file,
            hint="Import it together with the file of its order lines (the one "
            "with the order id and the products): in the import wizard, choose "
            "the lines and add this file with 'Add related file'; with pushwise "
            f"import, LINES-FILE --join {file}.",
        )
    if missing:
        raise InputDataError(
            f"no column was found for {', '.join(missing)} "
            f"(needed for {mapping.kind}). "
            f"The file's columns are: {', '.join(headers)}.",
            file=file,
            hint="Check the kind of file, or give a column mapping (--mapping).",
        )
    return mapping


def looks_like_order_headers(mapping: ColumnMapping, missing: Sequence[str]) -> bool:
    """Whether an orders file lacks only the products but has an order id:
    the headers of orders whose lines are in another file."""
    return (
        mapping.kind is Kind.ORDERS
        and list(missing) == [Columns.OFFERING]
        and mapping.source_of(Columns.ORDER) is not None
    )


@dataclass(frozen=True, slots=True)
class ProposedMapping:
    """The mapping offered for a file before the user confirms it."""

    mapping: ColumnMapping
    detected_kind: Kind  # what the columns look like, whatever kind was asked
    saved: bool  # True when the mapping remembered for this layout was applied


def propose_mapping(
    project: Project | None, raw: RawTable, *, kind: Kind | None = None
) -> ProposedMapping:
    """The mapping the project remembers for this layout and kind, else one
    inferred from the headers and values; required columns may still be missing."""
    headers = raw.headers
    sample = sample_columns(raw.table, rows=MAPPING_SAMPLE_ROWS)
    detected = infer_kind(headers, sample)
    kind = kind or detected
    saved = None
    if project is not None:
        saved = project.saved_mapping(_signature(raw), str(kind))
    if saved:
        # A remembered mapping that no longer reads is ignored: detect afresh.
        with contextlib.suppress(InputDataError):
            remembered = apply_saved(saved, headers, kind)
            if remembered is not None:
                return ProposedMapping(remembered, detected, saved=True)
    return ProposedMapping(infer_mapping(headers, sample, kind), detected, saved=False)


def _read_unchanged(
    path: Path,
    before: FileState,
    options: tuple[str | None, str | None, str | None],
    report: ReportFn,
    stop_requested: StopFn,
) -> RawTable:
    """Read a whole file (`options`: sheet, encoding, delimiter; None: detect),
    failing if it changed since `before`."""
    sheet, encoding, delimiter = options
    raw = read_table(
        path,
        sheet=sheet,
        encoding=encoding,
        delimiter=delimiter,
        report=report,
        stop_requested=stop_requested,
    )
    check_unchanged(path, before, raw.read_sha256)
    return raw


def _combined_hash(states: Sequence[FileState], lines: int) -> str:
    """One hash for the lines file joined with its related files (any order)."""
    related = sorted(s.sha256 for i, s in enumerate(states) if i != lines)
    text = "+".join([states[lines].sha256, *related])
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _examples(project: Project, import_id: int) -> tuple[str, ...]:
    """The first few reject messages of each reason, for the printed report."""
    rows = project.con.execute(
        """SELECT message FROM (
               SELECT message, line, row_number() OVER (
                   PARTITION BY reason_code ORDER BY line) AS nth
               FROM rejects WHERE import_id = ?)
           WHERE nth <= ? ORDER BY line""",
        [import_id, EXAMPLES_PER_REASON],
    ).fetchall()
    return tuple(str(message) for (message,) in rows)


def _already_imported(
    raw: RawTable, mapping: ColumnMapping, previous_import_id: int
) -> ImportReport:
    return ImportReport(
        file=raw.info.file,
        kind=mapping.kind,
        import_id=None,
        rows_read=raw.table.num_rows + len(raw.bad_lines),
        rows_imported=0,
        rows_returns=0,
        rows_rejected=0,
        reasons={},
        read_info=raw.info,
        mapping=mapping,
        previous_import_id=previous_import_id,
    )


def _read_info_dict(raw: RawTable, formats: ColumnFormats) -> dict[str, object]:
    info = raw.info
    return {
        "format": info.format,
        "encoding": info.encoding,
        "delimiter": info.delimiter,
        "sheet": info.sheet,
        "header_line": info.header_line,
        "skipped_lines": len(info.skipped_lines),
        "formats": formats.descriptions(),
    }


def _signature(raw: RawTable) -> str:
    return layout_signature(raw.headers)
