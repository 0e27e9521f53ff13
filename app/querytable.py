"""QueryTableModel: a stored table of any size, read page by page from DuckDB.

The model keeps only the row ids of the rows shown, in their shown order (one
integer array). Sorting and filtering compute that array in a Job on a cursor
of its own, so the window stays responsive while DuckDB sorts a million rows;
cells are fetched a page at a time, on the GUI thread, when a view asks.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from app.jobs import Job, JobRunner
from app.tables import ROOT, Index, TableModelBase
from ml.errors import Cancelled
from ml.progress import ReportFn, StopFn
from ml.sqltext import quote_ident

PAGE_ROWS = 512
CACHED_PAGES = 64


class QueryTableModel(TableModelBase):
    """Rows of one stored table (e.g. orders), sorted and filtered by DuckDB."""

    loading_changed = Signal(bool)  # a sort or filter is being computed

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._con: duckdb.DuckDBPyConnection | None = None
        self._table = ""
        self._ids: np.ndarray = np.arange(0, dtype=np.int64)
        self._total = 0
        self._positions: dict[str, int] = {}
        self._pages: OrderedDict[int, list[tuple[Any, ...]]] = OrderedDict()
        self._generation = 0
        self._loading = False
        self.job: Job | None = None

    def set_source(
        self,
        con: duckdb.DuckDBPyConnection | None,
        table: str,
        columns: Sequence[str],
        visible: Sequence[str] | None = None,
    ) -> None:
        """Show columns of table through con (None: show nothing); loads async."""
        self.beginResetModel()
        self._con = con
        self._table = table
        self._columns = list(columns)
        self._positions = {name: i for i, name in enumerate(self._columns)}
        wanted = set(visible) if visible is not None else set(self._visible)
        self._visible = [name for name in self._columns if name in wanted] or list(
            self._columns
        )
        if self._sort is not None and self._sort[0] not in self._columns:
            self._sort = None
        self._ids = np.arange(0, dtype=np.int64)
        self._total = 0
        self._pages.clear()
        self.endResetModel()
        self.reload()

    def reload(self) -> None:
        """Recompute the rows shown (after the table's data changed)."""
        self._generation += 1
        if self._con is None:
            self._apply(self._generation, (0, np.arange(0, dtype=np.int64)))
            return
        generation = self._generation
        cursor = self._con.cursor()
        sql, params = self.shown_rows_query()
        table = quote_ident(self._table)

        def compute(report: ReportFn, stop_requested: StopFn) -> Any:
            try:
                if stop_requested():
                    raise Cancelled
                total_row = cursor.execute(f"SELECT count(*) FROM {table}").fetchone()
                total = int(total_row[0]) if total_row else 0
                ids = cursor.execute(sql, params).fetchnumpy()["rowid"]
                return total, np.asarray(ids, dtype=np.int64)
            finally:
                cursor.close()

        job = Job(compute, name=f"table {self._table}")
        job.succeeded.connect(lambda result: self._apply(generation, result))
        job.finished.connect(lambda: self._on_job_finished(job))
        self.job = job
        self._set_loading(True)
        self._runner.start(job, slot=f"table:{id(self)}")

    @property
    def loading(self) -> bool:
        """Whether a sort or filter is being computed."""
        return self._loading

    def total_rows(self) -> int:
        return self._total

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._ids)

    # -- TableModelBase hooks --------------------------------------------------------

    def _raw(self, row: int, name: str) -> Any:
        page = self._page(row // PAGE_ROWS)
        offset = row % PAGE_ROWS
        if offset >= len(page):
            return None
        return page[offset][self._positions[name]]

    def _refilter(self) -> None:
        self.reload()

    def _resort(self) -> None:
        self.reload()

    # -- internals -------------------------------------------------------------------

    def shown_rows_query(self) -> tuple[str, list[Any]]:
        """SQL selecting the rowid of each shown row, in the shown order."""
        table = quote_ident(self._table)
        where, params = [], []
        for word in self._filter_text.lower().split():
            tests = [
                f"contains(lower(CAST({quote_ident(name)} AS VARCHAR)), ?)"
                for name in self._visible
            ]
            where.append("(" + " OR ".join(tests) + ")")
            params.extend([word] * len(tests))
        sql = f"SELECT rowid FROM {table}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if self._sort is not None:
            name, order = self._sort
            direction = "ASC" if order == Qt.SortOrder.AscendingOrder else "DESC"
            sql += f" ORDER BY {quote_ident(name)} {direction} NULLS LAST, rowid"
        else:
            sql += " ORDER BY rowid"
        return sql, params

    def _apply(self, generation: int, result: tuple[int, np.ndarray]) -> None:
        if generation != self._generation:
            return  # a newer sort or filter was asked for meanwhile
        total, ids = result
        self.beginResetModel()
        self._total = total
        self._ids = ids
        self._pages.clear()
        self.endResetModel()
        self.rows_changed.emit()

    def _on_job_finished(self, job: Job) -> None:
        if job is self.job:
            self.job = None
            self._set_loading(False)

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    def _page(self, number: int) -> list[tuple[Any, ...]]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        page = self._fetch(self._ids[number * PAGE_ROWS : (number + 1) * PAGE_ROWS])
        self._pages[number] = page
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    def _fetch(self, ids: np.ndarray) -> list[tuple[Any, ...]]:
        if self._con is None or len(ids) == 0:
            return []
        columns = ", ".join(quote_ident(name) for name in self._columns)
        table = quote_ident(self._table)
        first, last = int(ids.min()), int(ids.max())
        if last - first + 1 == len(ids):
            # Consecutive rows (the stored order): a range reads only their blocks.
            rows = self._con.execute(
                f"SELECT rowid, {columns} FROM {table} WHERE rowid BETWEEN ? AND ?",
                [first, last],
            ).fetchall()
        else:
            rows = self._con.execute(
                f"SELECT rowid, {columns} FROM {table} "
                "WHERE rowid BETWEEN ? AND ? AND rowid IN (SELECT unnest(?))",
                [first, last, ids.tolist()],
            ).fetchall()
        by_id = {row[0]: row[1:] for row in rows}
        empty = (None,) * len(self._columns)
        return [by_id.get(int(i), empty) for i in ids]
