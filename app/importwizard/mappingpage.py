"""MappingPage: which column of the file fills each Pushwise column."""

from __future__ import annotations

import pyarrow as pa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.importwizard.draft import ImportDraft
from app.importwizard.labels import (
    COLUMN_TIPS,
    NO_CUSTOMERS,
    NOT_IN_FILE,
    column_label,
    confidence_text,
)
from app.importwizard.previewmodel import LINE, PreviewTableModel, fit_columns
from app.importwizard.problem import ProblemBox
from app.tables import percent
from ml.columns import CANONICAL, REQUIRED, Columns, Kind
from ml.workflows.imports import IMPORTED, OUTCOME, looks_like_order_headers

EXAMPLES = 3
EXAMPLE_CHARS = 48
SURE_WIDTH = 320  # pixels for "How sure" and the evidence that decided


class MappingPage(QWizardPage):
    """Each canonical column with its source column, how sure, and examples."""

    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft
        self.setTitle("Match your columns")
        self.setSubTitle(
            "Each Pushwise column is filled from the column of your file chosen "
            "next to it. Columns marked * are needed. Pushwise remembers your "
            "choices for the next file with the same columns."
        )
        self.banner_label = QLabel(wordWrap=True)
        self.banner_label.setObjectName("mappingBanner")
        self.combos: dict[str, QComboBox] = {}
        self._sure: dict[str, QLabel] = {}
        self._examples: dict[str, QLabel] = {}
        self.grid_widget = QWidget()
        self.grid = QGridLayout(self.grid_widget)
        self.customers_box = self._customers_box()
        self.unused_label = QLabel(wordWrap=True)
        self.formats_label = QLabel(wordWrap=True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.addWidget(self.banner_label)
        # The question comes first: Import stays disabled until it is answered.
        top_layout.addWidget(self.customers_box)
        top_layout.addWidget(self.grid_widget)
        top_layout.addWidget(self.unused_label)
        top_layout.addWidget(self.formats_label)
        top_layout.addStretch(1)
        scroll.setWidget(top)

        self.rows_label = QLabel(wordWrap=True)
        self.problem_box = ProblemBox()
        self.model = PreviewTableModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setToolTip(
            "The first rows of the file as they will be stored, and what happens "
            "to each one"
        )
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.rows_label)
        bottom_layout.addWidget(self.problem_box)
        bottom_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(scroll)
        splitter.addWidget(bottom)
        splitter.setSizes([380, 240])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        draft.read_changed.connect(self._on_draft_read_changed)
        draft.mapping_changed.connect(self._on_draft_mapping_changed)

    def isComplete(self) -> bool:
        return self.draft.importable

    def _customers_box(self) -> QWidget:
        """The choice asked when orders have no customer column."""
        box = QWidget()
        box.setObjectName("customersChoice")
        self.customers_label = QLabel(wordWrap=True)
        self.use_customer_button = QPushButton()
        self.use_customer_button.clicked.connect(self._on_use_customer_clicked)
        self.no_customers_check = QCheckBox(NO_CUSTOMERS)
        self.no_customers_check.setToolTip(
            "Every line then counts towards what sells, but belongs to no "
            "customer: no push plan can be made for anyone from this file."
        )
        self.no_customers_check.toggled.connect(self.draft.set_no_customers)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.customers_label)
        layout.addWidget(self.use_customer_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.no_customers_check)
        box.hide()
        return box

    def _on_use_customer_clicked(self) -> None:
        candidates = self._free_candidates()
        if candidates:
            self.draft.set_source(Columns.CUSTOMER, candidates[0])

    def _free_candidates(self) -> list[str]:
        """The columns that might hold the customer and fill no other column."""
        mapping = self.draft.mapping
        used = {m.source for m in mapping.matches} if mapping is not None else set()
        proposal = self.draft.proposal
        proposed = proposal.mapping.customer_candidates if proposal else ()
        return [c for c in proposed if c not in used]

    def _show_customers_choice(self) -> None:
        """Ask, for orders without a customer column: pick one, or import the
        lines as demand without customers."""
        mapping = self.draft.mapping
        asked = (
            mapping is not None
            and mapping.kind is Kind.ORDERS
            and mapping.source_of(Columns.CUSTOMER) is None
        )
        self.customers_box.setVisible(asked)
        if not asked:
            return
        candidates = self._free_candidates()
        maybe = ""
        if candidates:
            named = " or ".join(f"'{c}'" for c in candidates)
            maybe = f" The column {named} might hold it."
        self.customers_label.setText(
            "<b>Which column holds the customer?</b> No column is chosen for "
            "the customer, so every line would be imported as demand without a "
            "customer and no push plan could be made from this file."
            f"{maybe} Choose it above as the Customer, or tick the box below if "
            "the file really has no customers."
        )
        self.use_customer_button.setVisible(bool(candidates))
        if candidates:
            self.use_customer_button.setText(f"Use '{candidates[0]}' as the customer")
        self.no_customers_check.blockSignals(True)
        self.no_customers_check.setChecked(self.draft.no_customers)
        self.no_customers_check.blockSignals(False)

    def _on_draft_read_changed(self) -> None:
        """Lay out one row per canonical column of the file's kind."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.combos.clear()
        self._sure.clear()
        self._examples.clear()
        mapping, raw = self.draft.mapping, self.draft.raw
        if mapping is None or raw is None:
            return
        for column, title in enumerate(
            ("Pushwise column", "Column in your file", "How sure", "First values")
        ):
            self.grid.addWidget(QLabel(f"<b>{title}</b>"), 0, column)
        required = set(REQUIRED[mapping.kind])
        if mapping.kind is Kind.ORDERS:
            # Not needed to import, but needed to plan anything: asked below.
            required.add(Columns.CUSTOMER)
        for row, canonical in enumerate(CANONICAL[mapping.kind], start=1):
            name = column_label(canonical) + (" *" if canonical in required else "")
            label = QLabel(name)
            combo = QComboBox()
            combo.addItem(NOT_IN_FILE, None)
            for header in raw.headers:
                combo.addItem(header, header)
            combo.setAccessibleName(column_label(canonical))
            tip = COLUMN_TIPS.get(canonical, "")
            combo.setToolTip(
                f"The column of your file that holds the {name.lower()}. {tip}".strip()
            )
            label.setBuddy(combo)
            combo.activated.connect(
                lambda _i, c=canonical, box=combo: self.draft.set_source(
                    c, box.currentData()
                )
            )
            sure, examples = QLabel(wordWrap=True), QLabel()
            # Which values decided can take a sentence: wrapped, not widened.
            sure.setFixedWidth(SURE_WIDTH)
            self.grid.addWidget(label, row, 0)
            self.grid.addWidget(combo, row, 1)
            self.grid.addWidget(sure, row, 2)
            self.grid.addWidget(examples, row, 3)
            self.combos[canonical] = combo
            self._sure[canonical] = sure
            self._examples[canonical] = examples
        self.grid.setColumnStretch(3, 1)
        # Word-wrapped labels below make the scroll area squeeze the rows;
        # the grid keeps the height its rows need and scrolls instead.
        self.grid_widget.setMinimumHeight(self.grid.sizeHint().height())

    def _on_draft_mapping_changed(self) -> None:
        draft = self.draft
        mapping, raw = draft.mapping, draft.raw
        if mapping is None or raw is None:
            self.model.clear()
            self.completeChanged.emit()
            return
        for match in mapping.matches:
            combo = self.combos.get(match.canonical)
            if combo is None:
                continue
            source = match.source
            combo.setCurrentIndex(0 if source is None else combo.findData(source))
            sure = confidence_text(match.confidence, match.method, match.evidence)
            self._sure[match.canonical].setText(sure)
            self._sure[match.canonical].setToolTip(sure)
            self._examples[match.canonical].setText(_examples(raw.table, match.source))
        # Wrapped evidence makes rows taller: keep the grid's height in step.
        self.grid_widget.setMinimumHeight(self.grid.sizeHint().height())
        self.banner_label.setText(_banner(draft))
        self.banner_label.setVisible(bool(self.banner_label.text()))
        unused = ", ".join(mapping.unmapped_sources)
        self.unused_label.setText(
            f"Columns of your file not used: {unused}" if unused else ""
        )
        self._show_customers_choice()
        self._show_rows()
        self.completeChanged.emit()

    def _show_rows(self) -> None:
        rows, mapping = self.draft.rows, self.draft.mapping
        missing = mapping.missing_required() if mapping is not None else ()
        if mapping is not None and _order_headers(self.draft):
            self.problem_box.show_text(
                "This looks like a file of order headers: one row per order, "
                "without products.",
                "Go back to the first page and add the file of its order lines "
                "with 'Add related file…': Pushwise joins them by the order id.",
            )
        elif missing and mapping is not None:
            names = " and ".join(column_label(c).lower() for c in missing)
            self.problem_box.show_text(
                f"Choose the column of your file that holds the {names}.",
                f"Pushwise cannot import {mapping.kind} without it. If the file "
                "has no such column, check on the first page what the file holds.",
            )
        else:
            self.problem_box.show_error(rows.problem if rows else None)
        if rows is None or rows.problem is not None:
            self.rows_label.setText("")
            self.formats_label.setText("")
            self.model.clear()
            return
        frame = rows.frame.rename(columns={"line": LINE})
        frame.insert(1, OUTCOME, frame.pop(OUTCOME))  # what happens, at a glance
        labels = {c: column_label(c) for c in frame.columns if c not in (LINE, OUTCOME)}
        if Columns.RATING in labels:
            labels[Columns.RATING] = "Rating (as %)"  # stored on one 0-100% scale
        self.model.set_labels(formats={Columns.RATING: percent})
        self.model.show(frame, labels)
        fit_columns(self.table)
        outcomes = frame[OUTCOME]
        imported = int((outcomes == IMPORTED).sum())
        returns = int(outcomes.str.startswith("return").sum())
        as_returns = (
            f" {returns} as returns," if mapping and mapping.kind is Kind.ORDERS else ""
        )
        self.rows_label.setText(
            f"<b>The first {len(frame)} rows as they will be imported:</b> "
            f"{imported} imported,{as_returns} {rows.rejected} rejected."
        )
        described = rows.formats.descriptions() if rows.formats else {}
        self.formats_label.setText(
            "\n".join(f"{column_label(c)}: {text}" for c, text in described.items())
        )


def _banner(draft: ImportDraft) -> str:
    proposal, mapping = draft.proposal, draft.mapping
    parts = []
    if proposal is not None and proposal.saved:
        parts.append(
            "Pushwise remembered how you matched these columns last time and "
            "applied it."
        )
    elif mapping is not None and mapping.layout:
        parts.append(f"Pushwise recognised the layout: {mapping.layout}.")
    return " ".join(parts)


def _examples(table: pa.Table, source: str | None) -> str:
    if source is None:
        return ""
    values: list[str] = []
    for value in table.column(source).to_pylist():
        if value and value.strip() and value not in values:
            values.append(value)
            if len(values) == EXAMPLES:
                break
    text = ", ".join(values)
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1] + "…"


def _order_headers(draft: ImportDraft) -> bool:
    """Whether the file was detected as order headers (their lines are in
    another file), and the user has not picked a product column since."""
    proposal, mapping = draft.proposal, draft.mapping
    return (
        proposal is not None
        and mapping is not None
        and looks_like_order_headers(
            proposal.mapping, proposal.mapping.missing_required()
        )
        and looks_like_order_headers(mapping, mapping.missing_required())
    )
