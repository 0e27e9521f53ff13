"""ImportWizard: file → preview → column mapping → import → report."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget, QWizard

from app.importwizard.draft import ImportDraft
from app.importwizard.filepage import FilePage
from app.importwizard.importpage import ImportPage
from app.importwizard.mappingpage import MappingPage
from app.importwizard.previewpage import PreviewPage
from app.importwizard.reportpage import ReportPage
from app.state import AppState
from ml.workflows.imports import ImportOutcome, ImportRequest

FILE_PAGE, PREVIEW_PAGE, MAPPING_PAGE, IMPORT_PAGE, REPORT_PAGE = range(5)


class ImportWizard(QWizard):
    """Imports files into the state's project, one file per pass.

    ``ImportWizard(state, files=[...])`` starts with the first file chosen (a
    drop); the others follow through "Import another file". After each
    successful import ``imported`` carries the ImportReport, and the state
    emits data_changed.
    """

    imported = Signal(object)  # ml.importing.report.ImportReport

    def __init__(
        self,
        state: AppState,
        files: Iterable[str | Path] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.draft = ImportDraft(self)
        self._queue = [Path(f) for f in files]
        self.setWindowTitle("Import a file")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Done")
        self.resize(1000, 780)
        self.file_page = FilePage(self.draft, lambda: self.state.project)
        self.preview_page = PreviewPage(self.draft)
        self.mapping_page = MappingPage(self.draft)
        self.mapping_page.setButtonText(QWizard.WizardButton.NextButton, "&Import")
        self.import_page = ImportPage(state, self.request)
        self.import_page.setButtonText(
            QWizard.WizardButton.CommitButton, "See the &report"
        )
        self.report_page = ReportPage()
        for page_id, page in enumerate(
            (
                self.file_page,
                self.preview_page,
                self.mapping_page,
                self.import_page,
                self.report_page,
            )
        ):
            self.setPage(page_id, page)
        self.setStartId(FILE_PAGE)
        self.import_page.import_succeeded.connect(self._on_import_page_succeeded)
        self.report_page.another_requested.connect(self.import_another)
        self._take_next_file()

    def request(self) -> ImportRequest:
        """The import as settled on the pages (for the import job)."""
        draft = self.draft
        if draft.path is None or draft.mapping is None or draft.raw is None:
            raise RuntimeError("the wizard has no file and mapping yet")
        return ImportRequest(
            path=draft.path,
            mapping=draft.mapping,
            related=tuple(draft.related),
            sheet=draft.sheet or draft.raw.info.sheet,
            encoding=draft.encoding,
            delimiter=draft.delimiter,
        )

    def import_another(self) -> None:
        """Start again on the first page, with the next dropped file if any."""
        self.restart()
        self._take_next_file()

    def reject(self) -> None:
        """Close; a running import is stopped (the project stays as it was)."""
        self.import_page.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.import_page.cancel()
        super().closeEvent(event)

    def _take_next_file(self) -> None:
        path = self._queue.pop(0) if self._queue else None
        self.file_page.set_queue(self._queue)
        if path is not None:
            self.file_page.choose(path)
        else:
            self.file_page.path_edit.clear()
            self.draft.set_file(None, self.state.project)

    def _on_import_page_succeeded(self, outcome: ImportOutcome) -> None:
        self.report_page.show_outcome(outcome)
        self.imported.emit(outcome.report)
        if self.currentId() == IMPORT_PAGE:
            self.next()
