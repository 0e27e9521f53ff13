"""Help > User guide and Help > About."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import ml

README = Path(__file__).resolve().parent.parent / "README.md"
GUIDE_FALLBACK = """# Using Pushwise

1. **Create or open a project** (File > New project… or Open…). A project is
   one file holding your imported data, reports and models.
2. **Import your data** (File > Import…, or drop files on the window): your
   orders export first, then feedback, offerings or customers.
3. **Check the data** on the Data page: the numbers, the weekly chart, the
   tables, and each import's report with its rejected rows.
4. **Train a model**, read how trustworthy it is, adjust the push rules, and
   export the push list for your next campaign.
"""
ABOUT = """<h3>Pushwise {version}</h3>
<p>Push plans for marketing: what to offer which customer next, with predicted
versus actual uptake.</p>
<p>Your data stays on your computer.</p>
<p><b>Sample data:</b> Chen, D. (2015). <i>Online Retail</i> [Dataset]. UCI
Machine Learning Repository,
<a href="https://doi.org/10.24432/C5BW33">doi.org/10.24432/C5BW33</a>, licensed
under <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>; a
filtered slice of it is bundled as the sample project.</p>
<p>Built with Qt for Python (PySide6, LGPLv3), pyqtgraph, pandas, DuckDB and
scikit-learn.</p>"""


def guide_markdown() -> str:
    """The user guide: the README when it is beside the app, else a short one."""
    try:
        return README.read_text(encoding="utf-8")
    except OSError:
        return GUIDE_FALLBACK


def show_user_guide(parent: QWidget | None) -> QDialog:
    """Show the user guide in a window (returns at once)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("Pushwise user guide")
    browser = QTextBrowser()
    browser.setOpenExternalLinks(True)
    browser.setMarkdown(guide_markdown())
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(browser)
    layout.addWidget(buttons)
    dialog.resize(760, 640)
    dialog.show()
    return dialog


def show_about(parent: QWidget | None) -> QMessageBox:
    """Show the version and the licences (returns at once)."""
    box = QMessageBox(parent)
    box.setWindowTitle("About Pushwise")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(ABOUT.format(version=ml.__version__))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
