"""ImportDraft: the wizard's choices for one file and what they give.

Reading a preview (the first rows), proposing a mapping and converting the
preview rows all take a few tens of milliseconds, so they run on the GUI thread
as the user changes a setting; only the import itself is a Job.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.errors import log_exception
from ml.columns import Columns, Kind
from ml.errors import PushwiseError
from ml.mapping.mapping import ColumnMapping
from ml.store.project import Project
from ml.workflows.imports import (
    PREVIEW_ROWS,
    Join,
    ProposedMapping,
    RawTable,
    RowsPreview,
    file_sheets,
    preview_rows,
    propose_mapping,
    read_joined_preview,
    read_table,
)


class ImportDraft(QObject):
    """One file's import settings (None = detect) and the preview they give."""

    read_changed = Signal()  # the file, encoding, delimiter, sheet or kind changed
    mapping_changed = Signal()  # the mapping or the date order changed

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path: Path | None = None
        # Files joined to the order lines by shared keys (headers, customers).
        self.related: list[Path] = []
        # Each related file as read, with its modification time: previewing
        # again (another encoding, separator) does not read it again.
        self._related_read: dict[Path, tuple[float, RawTable]] = {}
        self.joins: tuple[Join, ...] = ()
        self.sheets: list[str] = []
        self.sheet: str | None = None
        self.encoding: str | None = None
        self.delimiter: str | None = None
        self.kind: Kind | None = None
        self.day_first: bool | None = None
        self.raw: RawTable | None = None
        self.error: BaseException | None = None  # why the file cannot be read
        self.proposal: ProposedMapping | None = None
        self.mapping: ColumnMapping | None = None
        self.rows: RowsPreview | None = None
        # Orders without a customer column: the user's explicit choice to
        # import every line as demand without a customer.
        self.no_customers = False
        self._project: Project | None = None
        self._editing: tuple[str, ColumnMapping] | None = None  # column, before

    @property
    def ready(self) -> bool:
        """Whether the file was read and a mapping proposed."""
        return self.raw is not None and self.mapping is not None

    @property
    def importable(self) -> bool:
        """Whether the preview rows convert with the current mapping, and the
        customers are settled."""
        return (
            self.ready
            and self.rows is not None
            and self.rows.problem is None
            and not self.customers_unsettled
        )

    @property
    def customers_unsettled(self) -> bool:
        """Whether an orders file has no customer column and the user has not
        chosen to import its lines without customers."""
        mapping = self.mapping
        return (
            mapping is not None
            and mapping.kind is Kind.ORDERS
            and mapping.source_of(Columns.CUSTOMER) is None
            and not self.no_customers
        )

    def set_no_customers(self, no_customers: bool) -> None:
        """Import an orders file's lines as demand without customers (or not)."""
        self.no_customers = no_customers
        self.mapping_changed.emit()

    def set_file(self, path: Path | None, project: Project | None) -> None:
        """Start over with a new file (settings back to 'detect')."""
        self.path = path
        self.related = []
        self._related_read = {}
        self._project = project
        self.sheet = self.encoding = self.delimiter = None
        self.kind = self.day_first = None
        self.sheets = [] if path is None else file_sheets(path)
        self._reread()

    def add_related(self, path: Path) -> None:
        """Join this file (order headers, customers) to the lines by the
        column they share; reads the preview again."""
        if path != self.path and path not in self.related:
            self.related.append(path)
            self._reread()

    def clear_related(self) -> None:
        """Import the file on its own again."""
        if self.related:
            self.related = []
            self._related_read = {}
            self._reread()

    def set_read_options(
        self,
        *,
        encoding: str | None = None,
        delimiter: str | None = None,
        sheet: str | None = None,
    ) -> None:
        """Read the file again with these settings (None: detect)."""
        self.encoding, self.delimiter, self.sheet = encoding, delimiter, sheet
        self._reread()

    def set_kind(self, kind: Kind | None) -> None:
        """Treat the file as this kind (None: detect); proposes a new mapping."""
        if kind == self.kind:
            return
        self.kind = kind
        self._reread(read=False)

    def set_day_first(self, day_first: bool | None) -> None:
        """Read dates day first, month first, or as detected (None)."""
        self.day_first = day_first
        self._editing = None
        if self.mapping is not None:
            self.mapping = replace(self.mapping, day_first=day_first)
        self._convert()

    def set_source(self, canonical: str, source: str | None) -> None:
        """Fill a canonical column from this file column (None: leave it empty).

        Repeated choices for the same column start from the mapping before the
        first of them, so stepping through a drop-down with the arrow keys
        takes nothing away from the other columns on the way.
        """
        if self.mapping is None or self.mapping.source_of(canonical) == source:
            return
        if self._editing is None or self._editing[0] != canonical:
            self._editing = (canonical, self.mapping)
        self.mapping = self._editing[1].with_source(canonical, source)
        self._convert()

    def _reread(self, *, read: bool = True) -> None:
        self.error = None
        self._editing = None
        if read:
            self.raw = None
            self.joins = ()
        self.proposal = self.mapping = self.rows = None
        self.no_customers = False
        try:
            if read and self.path is not None:
                joined = read_joined_preview(
                    self.path,
                    self.related,
                    sheet=self.sheet,
                    rows=PREVIEW_ROWS,
                    encoding=self.encoding,
                    delimiter=self.delimiter,
                    read_related=self._read_related,
                )
                self.raw, self.joins = joined.raw, joined.joins
            if self.raw is not None:
                self.proposal = propose_mapping(self._project, self.raw, kind=self.kind)
                mapping = self.proposal.mapping
                if self.day_first is not None:
                    mapping = replace(mapping, day_first=self.day_first)
                self.mapping = mapping
                self.rows = preview_rows(self.raw, mapping)
        except PushwiseError as error:
            self.error = error
        except Exception as error:  # a bug: logged, shown in general words
            log_exception(error, f"Previewing {self.path}")
            self.error = error
        self.read_changed.emit()
        self.mapping_changed.emit()

    def _read_related(self, path: Path) -> RawTable:
        """A related file, read once (again only if it changed on disk)."""
        try:
            changed = path.stat().st_mtime
        except OSError:  # gone or unreadable: the reader says so in words
            return read_table(path)
        kept = self._related_read.get(path)
        if kept is None or kept[0] != changed:
            kept = (changed, read_table(path))
            self._related_read[path] = kept
        return kept[1]

    def _convert(self) -> None:
        if self.raw is not None and self.mapping is not None:
            self.rows = preview_rows(self.raw, self.mapping)
        self.mapping_changed.emit()
