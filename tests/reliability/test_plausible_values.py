"""Absurd values (1e308, infinity, the year 9999) are rejected line by line at
import, so that one bad line cannot poison the project's summaries for good."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ml.cli import main
from ml.columns import Kind
from ml.importing.importer import import_file
from ml.store.overview import TABLE_VIEWS, collect_overview, weekly_activity
from ml.store.project import Project

HEADER = "order_id,customer_id,product_id,order_date,quantity,unit_price,amount\n"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(tmp_path / "test.pushwise", create=True) as opened:
        yield opened


def _write(tmp_path: Path, lines: list[str], name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _rejects(project: Project) -> dict[int, tuple[str, str]]:
    rows = project.con.execute("SELECT line, reason_code, message FROM rejects")
    return {line: (code, message) for line, code, message in rows.fetchall()}


def test_issue_case_1e308_is_rejected_and_info_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's exact case: quantity and amount 1e308 on one line."""
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,product_id,order_date,quantity,amount\n"
        "1,c1,p1,2024-01-05,2,10.00\n"
        "2,c2,p1,2024-01-06,1,5.00\n"
        "3,c1,p2,2024-02-05,1e308,1e308\n"
        "4,c3,p2,2024-02-07,1,3.50\n",
        encoding="utf-8",
    )
    target = str(tmp_path / "p.pushwise")
    assert main(["import", "--project", target, str(path)]) == 0
    summary = capsys.readouterr().out
    assert "implausible_quantity: quantity beyond plausible limits" in summary
    assert main(["info", "--project", target]) == 0
    out = capsys.readouterr().out
    assert "3 order lines" in out
    assert "Revenue 18.50" in out
    with Project.open(target) as project:
        rejects = _rejects(project)
        assert rejects == {
            4: (
                "implausible_quantity",
                "orders.csv, row 4, column 'quantity': '1e308' is not a plausible "
                "quantity (more than 10,000,000 units or less than 0.000001 of a "
                "unit on one line). Check the column mapping or fix the line.",
            )
        }
        overview = collect_overview(project.con)
        assert overview.revenue == pytest.approx(18.5)


@pytest.mark.parametrize(
    ("line", "code", "column"),
    [
        ("3,c1,p2,2024-02-05,1e400,1,", "implausible_quantity", "quantity"),
        ("3,c1,p2,2024-02-05,-1e308,1,", "implausible_quantity", "quantity"),
        ("3,c1,p2,2024-02-05,20000000,1,", "implausible_quantity", "quantity"),
        ("3,c1,p2,2024-02-05,0.0000001,1,", "implausible_quantity", "quantity"),
        ("3,c1,p2,2024-02-05,1,1e308,", "implausible_price", "unit_price"),
        ("3,c1,p2,2024-02-05,1,,-1e300", "implausible_amount", "amount"),
        ("3,c1,p2,2024-02-05,1,2,1e13", "implausible_amount", "amount"),
        ("3,c1,p2,2024-02-05,1000000,1e7,", "implausible_line", "quantity"),
        ("3,c1,p2,2024-02-05,0.00001,,1e10", "implausible_line", "quantity"),
        ("3,c1,p2,9999-12-31,1,2,2", "implausible_date", "order_date"),
        ("3,c1,p2,1899-12-31,1,2,2", "implausible_date", "order_date"),
    ],
)
def test_implausible_order_values_are_rejected(
    project: Project, tmp_path: Path, line: str, code: str, column: str
) -> None:
    good = ["1,c1,p1,2024-01-05,2,5,10", "2,c2,p1,2024-01-06,1,5,5"]
    report = import_file(project, _write(tmp_path, [*good, line]))
    assert (report.rows_read, report.rows_imported, report.rows_rejected) == (3, 2, 1)
    assert report.reasons == {code: 1}
    ((_code, message),) = _rejects(project).values()
    assert f"orders.csv, row 4, column '{column}': " in message
    assert message.endswith("Check the column mapping or fix the line.")
    revenue = project.con.execute("SELECT sum(amount) FROM orders").fetchone()
    assert revenue == (15.0,)


def test_values_at_the_generous_limits_are_kept(project: Project, tmp_path: Path):
    lines = [
        "1,c1,p1,2024-01-05,10000000,0.01,100000",  # ten million units
        "2,c2,p1,1900-01-01,0.000001,5,0.000005",  # a millionth of a unit
        "3,c3,p2,2024-01-07,1,1000000000000,1000000000000",  # a trillion
        "4,c3,p2,2024-01-08,-80995,2.08,-168469.6",  # Online Retail's largest
    ]
    report = import_file(project, _write(tmp_path, lines))
    assert (report.rows_imported, report.rows_returns, report.rows_rejected) == (
        3,
        1,
        0,
    )


def test_the_data_page_queries_survive_extreme_but_plausible_values(
    project: Project, tmp_path: Path
) -> None:
    lines = [
        f"{i},c{i},p{i % 3},{1900 + i * 60}-01-05,10000000,100000,1000000000000"
        for i in range(3)
    ]
    report = import_file(project, _write(tmp_path, lines))
    assert report.rows_imported == 3
    overview = collect_overview(project.con)
    assert overview.revenue == pytest.approx(3e12)
    assert len(weekly_activity(project.con)) > 6000  # 120 years of weeks
    for sql in TABLE_VIEWS.values():
        project.con.execute(sql).df()
    assert "Revenue 3,000,000,000,000.00" in project.info().to_text()


def test_implausible_feedback_and_offering_values_are_rejected(
    project: Project, tmp_path: Path
) -> None:
    feedback = tmp_path / "reviews.csv"
    feedback.write_text(
        "customer_id,review_date,rating,comment\n"
        "c1,2024-01-05,4,fine\n"
        "c2,3000-01-05,5,from the future\n",
        encoding="utf-8",
    )
    report = import_file(project, feedback)
    assert report.reasons == {"implausible_date": 1}
    offerings = tmp_path / "products.csv"
    offerings.write_text(
        "product_id,name,price,margin\n"
        "p1,Soap,2.50,0.4\n"
        "p2,Gold,1e308,0.5\n"
        "p3,Silver,3.00,1e400\n",
        encoding="utf-8",
    )
    report = import_file(project, offerings, kind=Kind.OFFERINGS)
    assert report.rows_imported == 1
    assert report.reasons == {"implausible_price": 1, "implausible_margin": 1}


@pytest.mark.parametrize("amount", ["1e308", "'inf'", "'nan'"])
def test_a_project_poisoned_by_an_older_version_still_shows_its_summaries(
    project: Project, tmp_path: Path, amount: str
) -> None:
    """Lines imported before the limits existed: the revenue becomes unknown,
    everything else is still shown."""
    import_file(project, _write(tmp_path, ["1,c1,p1,2024-01-05,2,5,10"]))
    project.con.execute(f"UPDATE orders SET amount = {amount}::DOUBLE")
    info = project.info()
    assert info.revenue is None
    assert "Revenue unknown" in info.to_text()
    overview = collect_overview(project.con)
    assert (overview.revenue, overview.order_lines) == (None, 1)
    assert len(weekly_activity(project.con)) == 1
