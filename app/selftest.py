"""`pushwise-gui --self-test OUT_DIR`: drive the window through its workflow.

In a fresh temporary user folder (settings, data, signing key), it waits on
the start screen while the libraries load in the background, opens the
sample project (importing it), shows the import wizard on the sample file,
starts a training and cancels it, trains and backtests from the Model page,
waits for the push plan and the backtest charts, saves a PNG screenshot of
each step into OUT_DIR and writes OUT_DIR/self-test.txt: how long each step
took, when the window was shown, how soon Cancel stopped the training and the
longest the GUI thread stalled (the log of any error goes to OUT_DIR/logs/).
Everything runs through the GUI's own workers; the exit code is 0 only if
every step worked.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget, QWizard

from app.errors import ErrorDialog, log_exception
from app.settings import APPLICATION, ORGANIZATION, Settings, data_dir
from app.warmup import start_warm_up

if TYPE_CHECKING:
    from app.jobs import Job
    from app.pages.model import ModelPage
    from app.window import MainWindow

TIMEOUT_S = 900
REPORT_NAME = "self-test.txt"
TICK_MS = 10
# Where the data folder and the signing key go (see app.settings, ml.store.signing).
_USER_FOLDER_VARIABLES = ("PUSHWISE_DATA_DIR", "PUSHWISE_CONFIG_DIR")


class SelfTestError(RuntimeError):
    """A step of the self-test did not do what a user would expect."""


class StallMeter:
    """A timer on the GUI thread recording the largest gaps between its ticks:
    how long the window could not have reacted to the user, overall and while
    a job was running (busy() held at both ends of the gap)."""

    def __init__(self, busy: Callable[[], bool] = lambda: True) -> None:
        self.busy = busy
        self.largest_gap_ms = 0.0
        self.largest_busy_gap_ms = 0.0
        self.busy_gaps_ms: list[float] = []
        self._last = time.perf_counter()
        self._was_busy = False
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """Start measuring from now."""
        self._last = time.perf_counter()
        self._was_busy = self.busy()
        self.timer.start()

    def reset(self) -> None:
        """Forget the gaps measured so far."""
        self.largest_gap_ms = self.largest_busy_gap_ms = 0.0
        self.busy_gaps_ms = []

    def busy_percentile_ms(self, share: float) -> float:
        """The gap that `share` (e.g. 0.99) of the ticks while busy stayed under."""
        gaps = sorted(self.busy_gaps_ms)
        if not gaps:
            return 0.0
        return gaps[min(len(gaps) - 1, int(share * len(gaps)))]

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Leave out work the self-test itself does on the GUI thread."""
        running = self.timer.isActive()
        self.stop()
        try:
            yield
        finally:
            if running:
                self.start()

    def stop(self) -> None:
        """Stop measuring."""
        self.timer.stop()

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        gap_ms = 1000 * (now - self._last)
        busy = self.busy()
        self.largest_gap_ms = max(self.largest_gap_ms, gap_ms)
        if busy and self._was_busy:
            self.largest_busy_gap_ms = max(self.largest_busy_gap_ms, gap_ms)
            self.busy_gaps_ms.append(gap_ms)
        self._last, self._was_busy = now, busy


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the self-test: how long it took and the GUI thread's
    longest stalls during it (overall, and while a job was running)."""

    name: str
    seconds: float
    stall_ms: float
    busy_stall_ms: float


@dataclass
class SelfTestResult:
    """What the self-test did: steps with their seconds, screenshots, the GUI
    thread's longest stall while jobs ran, and the problem if one step failed."""

    window_shown_s: float | None = None
    steps: list[Step] = field(default_factory=list)
    screenshots: list[str] = field(default_factory=list)
    cancel_seconds: float | None = None
    problem: str = ""

    @property
    def largest_stall_ms(self) -> float:
        """The GUI thread's longest stall in any step."""
        return max((step.stall_ms for step in self.steps), default=0.0)

    @property
    def largest_busy_stall_ms(self) -> float:
        """The GUI thread's longest stall while a job was running."""
        return max((step.busy_stall_ms for step in self.steps), default=0.0)

    @property
    def ok(self) -> bool:
        """True when every step worked."""
        return not self.problem

    def text(self) -> str:
        """The plain-text report written to self-test.txt."""
        lines = [f"result: {'passed' if self.ok else 'FAILED: ' + self.problem}"]
        if self.window_shown_s is not None:
            lines.append(
                f"window shown: {self.window_shown_s:.2f} s after the process started"
            )
        lines.append(
            f"largest GUI stall while a job ran: {self.largest_busy_stall_ms:.0f} ms"
        )
        lines.append(f"largest GUI stall overall: {self.largest_stall_ms:.0f} ms")
        if self.cancel_seconds is not None:
            lines.append(f"training stopped {self.cancel_seconds:.2f} s after Cancel")
        lines += [
            f"step: {step.name}: {step.seconds:.1f} s, largest stall "
            f"{step.stall_ms:.0f} ms ({step.busy_stall_ms:.0f} ms while a job ran)"
            for step in self.steps
        ]
        lines += [f"screenshot: {name}" for name in self.screenshots]
        return "\n".join(lines) + "\n"


@contextmanager
def fresh_user_folders() -> Iterator[Settings]:
    """A temporary data folder, signing-key folder and QSettings file, as on a
    first run; the user's own are left untouched. Yields the window's Settings."""
    saved = {name: os.environ.get(name) for name in _USER_FOLDER_VARIABLES}
    with tempfile.TemporaryDirectory(prefix="pushwise-self-test-") as folder:
        for name in _USER_FOLDER_VARIABLES:
            os.environ[name] = str(Path(folder) / name.lower())
        qsettings = QSettings(
            str(Path(folder) / f"{ORGANIZATION}-{APPLICATION}.ini"),
            QSettings.Format.IniFormat,
        )
        try:
            yield Settings(qsettings)
        finally:
            qsettings.sync()
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def main(out_dir: Path) -> int:
    """Run the self-test in fresh user folders, write the report; 0 if passed."""
    from app.window import MainWindow

    with fresh_user_folders() as settings:
        window = MainWindow(settings=settings)
        window.resize(1280, 860)
        window.show()
        loading = start_warm_up()
        result = run_self_test(window, out_dir, loading)
        window.state.shutdown()
        window.close()
        logs = data_dir() / "logs"  # why a step failed, before the folder goes
        if logs.is_dir():
            shutil.copytree(logs, out_dir / "logs", dirs_exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / REPORT_NAME).write_text(result.text(), encoding="utf-8")
    sys.stdout.write(result.text())
    return 0 if result.ok else 1


def run_self_test(
    window: MainWindow, out_dir: Path, loading: threading.Thread | None = None
) -> SelfTestResult:
    """Drive the window through the workflow on the sample; `loading` is the
    background loading started with the window (waited for first, as a user
    reading the start screen would)."""
    result = SelfTestResult(window_shown_s=seconds_since_process_start())
    meter = StallMeter(busy=lambda: window.state.busy)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        settle()
        shoot(window, out_dir / "00-start.png", result)
        meter.start()
        for name, step in _steps(window, out_dir, result, meter, loading):
            started = time.monotonic()
            meter.reset()
            step()
            result.steps.append(
                Step(
                    name,
                    time.monotonic() - started,
                    meter.largest_gap_ms,
                    meter.largest_busy_gap_ms,
                )
            )
    except BaseException as error:  # the report says it; the log says why
        result.problem = str(error) or type(error).__name__
        log_exception(error, "Self-test failed")
    finally:
        meter.stop()
    return result


def _steps(
    window: MainWindow,
    out_dir: Path,
    result: SelfTestResult,
    meter: StallMeter,
    loading: threading.Thread | None,
) -> list[tuple[str, Callable[[], None]]]:
    def snap(widget: QWidget, name: str) -> None:
        with meter.paused():
            shoot(widget, out_dir / name, result)

    def open_sample() -> None:
        job = window.open_sample_project()
        if job is not None:
            wait(lambda: job.done)
        if window.state.info is None or window.state.info.orders_rows == 0:
            raise SelfTestError("the sample project has no orders")
        data_page = window.pages["data"]
        wait(lambda: getattr(data_page, "content", None) is not None)
        wait(lambda: not window.state.busy)  # the saved model, if any, is loaded
        window.show_page("data")
        settle()
        snap(window, "01-data.png")

    def import_wizard() -> None:
        from app.importwizard.wizard import MAPPING_PAGE, PREVIEW_PAGE
        from ml.resources import sample_orders

        window.import_files([sample_orders()])
        wizard = window.findChild(QWizard)
        if wizard is None:
            raise SelfTestError("the import wizard did not open")
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        wait(next_button.isEnabled)
        wizard.next()
        wait(lambda: wizard.currentId() == PREVIEW_PAGE)
        settle()
        snap(wizard, "02-import-preview.png")
        wizard.next()
        wait(lambda: wizard.currentId() == MAPPING_PAGE)
        settle()
        snap(wizard, "03-import-mapping.png")
        wizard.reject()
        settle(0.2)

    def start_training() -> tuple[ModelPage, Job]:
        """Click Train on the Model page, as a user would."""
        from app.pages.model import ModelPage

        window.show_page("model")
        page = window.pages["model"]
        assert isinstance(page, ModelPage)
        settle(0.2)
        page.train_button.click()
        if page.job is None:
            raise SelfTestError("training did not start")
        return page, page.job

    def cancel() -> None:
        page, job = start_training()
        wait(lambda: job.fraction > 0.05)
        page.progress.cancel_button.click()
        asked = time.monotonic()
        wait(lambda: job.done)
        result.cancel_seconds = time.monotonic() - asked
        if window.state.model is not None or "Stopped" not in page.status_label.text():
            raise SelfTestError("a cancelled training left a model behind")

    def train() -> None:
        _page, job = start_training()
        wait(lambda: job.done)
        if window.state.model is None or window.state.backtest is None:
            raise SelfTestError("training ended without a checked model")
        wait(lambda: not window.state.busy)  # the plan's scoring follows
        settle()
        snap(window, "04-model.png")

    def plan() -> None:
        from app.pages.plan import PushPlanPage

        window.show_page("plan")
        page = window.pages["plan"]
        assert isinstance(page, PushPlanPage)
        wait(lambda: window.state.plan is not None and not window.state.busy)
        wait(lambda: page.all_model.rowCount() > 0)
        settle()
        snap(window, "05-plan.png")
        page.tabs.setCurrentWidget(page.by_offering)
        settle()
        snap(window, "06-plan-by-offering.png")

    def backtest() -> None:
        window.show_page("backtest")
        settle()
        snap(window, "07-backtest.png")

    def campaign() -> None:
        from app.pages.campaigns import CampaignsPage
        from app.pages.plan import PushPlanPage

        plan_page = window.pages["plan"]
        assert isinstance(plan_page, PushPlanPage)
        job = plan_page.start_campaign("Sample campaign", 0.10, [])
        if job is None:
            raise SelfTestError("the plan could not be saved as a campaign")
        wait(lambda: job.done)
        window.show_page("campaigns")
        page = window.pages["campaigns"]
        assert isinstance(page, CampaignsPage)
        wait(lambda: page.results is not None)
        settle()
        snap(window, "08-campaigns.png")

    def campaign_results() -> None:
        """A campaign whose orders are in: the sample split at a date."""
        from app.pages.campaigns import CampaignsPage
        from ml.store.project import Project
        from ml.workerprocess import run_in_worker

        folder = Path(tempfile.mkdtemp(prefix="pushwise-self-test-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = folder / "sample campaign.pushwise"
        Project.create(path).close()
        job = window.state.start_job(
            lambda report, stop: run_in_worker(
                path,
                "ml.workflows.samplecampaign:make_sample_campaign",
                task="the sample campaign",
                report=report,
                stop_requested=stop,
            ),
            "sample campaign",
        )
        failures: list[BaseException] = []
        job.failed.connect(failures.append)
        wait(lambda: job.done)
        if failures:
            raise SelfTestError(f"the sample campaign was not made: {failures[0]}")
        if not window.open_project(path):
            raise SelfTestError("the sample campaign's project did not open")
        window.show_page("campaigns")
        page = window.pages["campaigns"]
        assert isinstance(page, CampaignsPage)
        wait(lambda: page.results is not None and page.results.days_observed > 0)
        settle()
        snap(window, "09-campaign-results.png")

    def load_in_background() -> None:
        if loading is not None:
            wait(lambda: not loading.is_alive())

    return [
        ("start screen while the libraries load", load_in_background),
        ("open the sample project (import)", open_sample),
        ("import wizard on the sample file", import_wizard),
        ("cancel a training", cancel),
        ("train and check on past weeks", train),
        ("push plan", plan),
        ("backtest page", backtest),
        ("push plan saved as a campaign", campaign),
        ("a campaign's results", campaign_results),
    ]


def seconds_since_process_start() -> float | None:
    """Seconds since this process started (Linux), None where unknown."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, IndexError, ValueError):
        return None
    started_at = int(stat[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime
    return uptime - started_at


def settle(seconds: float = 0.5) -> None:
    """Let the window lay itself out and paint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
        _raise_on_error_dialog()


def wait(condition: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> None:
    """Run the event loop until condition() holds; SelfTestError on an error
    dialog, TimeoutError after timeout_s."""
    end = time.monotonic() + timeout_s
    while not condition():
        _raise_on_error_dialog()
        if time.monotonic() > end:
            raise TimeoutError("the self-test waited too long")
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _raise_on_error_dialog() -> None:
    for widget in QApplication.topLevelWidgets():  # every window, dialogs too
        if isinstance(widget, ErrorDialog) and widget.isVisible():
            raise SelfTestError(f"an error was shown: {widget.text()}")


def shoot(widget: QWidget, path: Path, result: SelfTestResult) -> None:
    """Save a screenshot of the widget."""
    QApplication.processEvents()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    result.screenshots.append(path.name)
