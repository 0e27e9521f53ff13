"""PreviewPage: the first rows as Pushwise reads them, with the read settings."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.importwizard.draft import ImportDraft
from app.importwizard.labels import (
    DATE_ORDER_LABELS,
    DELIMITER_LABELS,
    ENCODING_LABELS,
    plain_note,
)
from app.importwizard.previewmodel import LINE, PreviewTableModel, fit_columns
from app.importwizard.problem import ProblemBox
from ml.reading.model import ENCODING_NAMES

_DAY_FIRST_CHOICES = (
    (True, "Day first (31/12/2024)"),
    (False, "Month first (12/31/2024)"),
)


class PreviewPage(QWizardPage):
    """Encoding, delimiter, sheet and date order: detected, and changeable."""

    def __init__(self, draft: ImportDraft) -> None:
        super().__init__()
        self.draft = draft
        self.setTitle("Check how the file is read")
        self.setSubTitle(
            "These are the first rows as Pushwise reads them. If the columns or "
            "letters look wrong, change the settings below."
        )
        self.encoding_combo = _combo(
            "How the letters are stored in the file. Change it if accented letters "
            "or symbols like £ and € look wrong."
        )
        self.delimiter_combo = _combo(
            "The character between the values of a row. Change it if the columns "
            "below are split in the wrong places."
        )
        self.sheet_combo = _combo("The sheet of the workbook to import.")
        self.dates_combo = _combo(
            "Whether 03/04/2024 means 3 April (day first) or 4 March (month first)."
        )
        self.sheet_label = QLabel("S&heet:")
        self.sheet_label.setBuddy(self.sheet_combo)
        self.date_example_label = QLabel(wordWrap=True)
        self.date_example_label.setToolTip(
            "How the first date of the file will be read with the date setting"
        )
        self.notes_label = QLabel(wordWrap=True)
        self.problem_box = ProblemBox()
        self.model = PreviewTableModel(parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setToolTip("The first rows of the file; row numbers are the file's")
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()

        self._pairs: dict[QComboBox, QWidget] = {}  # a label and its drop-down
        settings = QHBoxLayout()
        settings.setSpacing(18)
        for text, combo in (
            ("", self.sheet_combo),
            ("&Characters:", self.encoding_combo),
            ("Se&parator:", self.delimiter_combo),
            ("&Dates:", self.dates_combo),
        ):
            label = self.sheet_label if combo is self.sheet_combo else QLabel(text)
            label.setBuddy(combo)
            pair = QWidget()
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            pair_layout.addWidget(label)
            pair_layout.addWidget(combo)
            self._pairs[combo] = pair
            settings.addWidget(pair)
        settings.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(settings)
        layout.addWidget(self.date_example_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.problem_box)
        layout.addWidget(self.table, 1)
        self.encoding_combo.activated.connect(self._on_read_setting_activated)
        self.delimiter_combo.activated.connect(self._on_read_setting_activated)
        self.sheet_combo.activated.connect(self._on_read_setting_activated)
        self.dates_combo.activated.connect(self._on_dates_combo_activated)
        draft.read_changed.connect(self._on_draft_read_changed)
        draft.mapping_changed.connect(self._on_draft_mapping_changed)

    def isComplete(self) -> bool:
        return self.draft.ready

    def _on_read_setting_activated(self, _index: int) -> None:
        self.draft.set_read_options(
            encoding=self.encoding_combo.currentData(),
            delimiter=self.delimiter_combo.currentData(),
            sheet=self.sheet_combo.currentData(),
        )

    def _on_dates_combo_activated(self, _index: int) -> None:
        self.draft.set_day_first(self.dates_combo.currentData())

    def _on_draft_read_changed(self) -> None:
        draft = self.draft
        info = draft.raw.info if draft.raw is not None else None
        text_file = info is None or info.format == "csv"
        self._fill(
            self.encoding_combo,
            {key: ENCODING_LABELS[key] for key in ENCODING_NAMES},
            draft.encoding,
            info.encoding if info else None,
            ENCODING_LABELS,
        )
        self._fill(
            self.delimiter_combo,
            DELIMITER_LABELS,
            draft.delimiter,
            info.delimiter if info else None,
            DELIMITER_LABELS,
        )
        for combo in (self.encoding_combo, self.delimiter_combo):
            self._pairs[combo].setVisible(text_file)  # not in workbooks, Parquet
        sheets = {name: name for name in draft.sheets}
        self._fill(
            self.sheet_combo,
            sheets,
            draft.sheet,
            info.sheet if info else None,
            sheets,
            detect="First sheet with data",
        )
        self._pairs[self.sheet_combo].setVisible(bool(draft.sheets))
        self.notes_label.setText(
            "\n".join(plain_note(note) for note in info.notes) if info else ""
        )
        self.problem_box.show_error(draft.error)
        if draft.raw is not None:
            frame = draft.raw.table.to_pandas()
            frame.insert(0, LINE, frame.pop(LINE))
            self.model.show(frame, {name: name for name in draft.raw.headers})
            fit_columns(self.table)
        else:
            self.model.clear()
        self.completeChanged.emit()

    def _on_draft_mapping_changed(self) -> None:
        draft = self.draft
        detected = None
        formats = draft.rows.formats if draft.rows is not None else None
        if formats is not None and formats.dates:
            fmt = next(iter(formats.dates.values()))
            detected = DATE_ORDER_LABELS.get(fmt.order, fmt.order)
            if fmt.ambiguous and draft.day_first is None:
                detected = f"{detected}; no date in the first rows tells"
        combo = self.dates_combo
        combo.clear()
        combo.addItem(f"Detect  — {detected}" if detected else "Detect", None)
        for value, label in _DAY_FIRST_CHOICES:
            combo.addItem(label, value)
        day_first = draft.day_first
        combo.setCurrentIndex(0 if day_first is None else combo.findData(day_first))
        combo.setEnabled(draft.ready)
        example = date_example(draft)
        self.date_example_label.setText(example)
        self.date_example_label.setVisible(bool(example))

    @staticmethod
    def _fill(
        combo: QComboBox,
        choices: dict[str, str],
        chosen: str | None,
        found: str | None,
        names: dict[str, str],
        detect: str = "Detect",
    ) -> None:
        """Offer 'detect (found)' and every choice; select the user's choice."""
        combo.clear()
        combo.addItem(f"{detect}  — {names.get(found, found)}" if found else detect)
        for key, label in choices.items():
            combo.addItem(label, key)
        if chosen is not None:
            combo.setCurrentIndex(combo.findData(chosen))


def _combo(tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def date_example(draft: ImportDraft) -> str:
    """'03/04/2024 in Order date is read as 3 April 2024' for the first date."""
    rows, raw, mapping = draft.rows, draft.raw, draft.mapping
    if rows is None or rows.formats is None or raw is None or mapping is None:
        return ""
    for canonical in rows.formats.dates:
        source = mapping.source_of(canonical)
        if source is None:
            continue
        texts = dict(
            zip(
                raw.table.column(LINE).to_pylist(),
                raw.table.column(source).to_pylist(),
                strict=True,
            )
        )
        for line, value in zip(rows.frame["line"], rows.frame[canonical], strict=True):
            if isinstance(value, datetime) and texts.get(line):
                shown = f"{value.day} {value:%B %Y}"
                if (value.hour, value.minute, value.second) != (0, 0, 0):
                    shown += f", {value:%H:%M}"
                return (
                    f"For example, '{texts[line]}' in the column {source} is read "
                    f"as {shown}."
                )
    return ""
