"""Import of a big European export against `pandas.read_csv` (run by hand).

Writes, once, a 1.5 M-line export the way a European CRM or ERP writes it:
Windows-1252, `;` between values, decimal commas, day-first dates, German
headers, a line amount beside the unit price. Its lines are the grocery-shaped
history of grocery.py (the real Online Retail baskets, 1x). Then, in one run
and each in a fresh process, interleaved: `pandas.read_csv` of the file with
its separator, encoding and decimal comma given, and `pushwise import` of it
with its column mapping given. Wall time, CPU time (user + system: steadier
than wall time when other work shares the cores) and peak RSS of each whole
process, and the ratios. Targets (issue 13): import <= 2x read_csv (wall
time), peak RSS <= 1 GB.

    .venv/bin/python tests/benchmarks/bench_import_speed.py [--repeats 3]
        [--results]   # also write the section into RESULTS.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from bench_scale import history_file
from results_file import replace_section

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("PUSHWISE_BENCH_CACHE", "/tmp/pushwise-scale"))
SECTION = "## Import speed, European export (bench_import_speed.py)"
TARGET_RATIO, TARGET_MB = 2.0, 1024.0
# Grocery column -> the export's header.
HEADERS = {
    "InvoiceNo": "Beleg-Nr.",
    "CustomerID": "Kunden-Nr.",
    "StockCode": "Artikel-Nr.",
    "Description": "Bezeichnung",
    "Category": "Warengruppe",
    "Quantity": "Menge",
    "InvoiceDate": "Belegdatum",
    "UnitPrice": "Einzelpreis",
    "Amount": "Betrag",
    "Country": "Land",
}
MAPPING = {
    "order_id": "Beleg-Nr.",
    "customer_id": "Kunden-Nr.",
    "offering_id": "Artikel-Nr.",
    "offering_name": "Bezeichnung",
    "category": "Warengruppe",
    "quantity": "Menge",
    "ordered_at": "Belegdatum",
    "unit_price": "Einzelpreis",
    "amount": "Betrag",
    "country": "Land",
}
# Country names as a German export writes them (non-ASCII in Windows-1252).
COUNTRIES = {
    "United Kingdom": "Großbritannien",
    "Germany": "Deutschland",
    "France": "Frankreich",
    "Spain": "Spanien",
    "Belgium": "Belgien",
    "Switzerland": "Schweiz",
    "Austria": "Österreich",
    "Denmark": "Dänemark",
}


@dataclass(frozen=True, slots=True)
class Run:
    """One whole process: wall and CPU seconds, peak resident memory (MB)."""

    seconds: float
    cpu_seconds: float  # user + system, all threads
    peak_mb: float


def export_file() -> tuple[Path, int]:
    """The European export of the 1x grocery history (made once), and its lines."""
    path = CACHE / "grocery-1x-european.csv"
    source, lines = history_file(1.0)
    if not path.exists():
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
        quantity = frame["Quantity"].astype(int)
        price = frame["UnitPrice"].astype(float)
        when = pd.to_datetime(frame["InvoiceDate"])
        frame["InvoiceDate"] = when.dt.strftime("%d.%m.%Y %H:%M")
        frame["UnitPrice"] = price.map("{:.2f}".format).str.replace(".", ",")
        amount = (quantity * price).map("{:.2f}".format)
        frame["Amount"] = amount.str.replace(".", ",")
        frame["Country"] = frame["Country"].replace(COUNTRIES)
        frame = frame[list(HEADERS)].rename(columns=HEADERS)
        partial = path.with_suffix(".part")
        frame.to_csv(partial, sep=";", index=False, encoding="cp1252")
        partial.replace(path)
    return path, lines


def timed(command: list[str]) -> Run:
    """Run a command in a fresh process; its wall and CPU time and peak RSS."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = process.stdout.read().decode() if process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def read_csv_command(path: Path) -> list[str]:
    """`pandas.read_csv` of the export, told its separator, encoding and decimal."""
    code = (
        "import pandas as pd\n"
        f"frame = pd.read_csv({str(path)!r}, sep=';', encoding='cp1252', "
        "decimal=',')\n"
        "print(len(frame))"
    )
    return [sys.executable, "-c", code]


def import_command(path: Path, project: Path, mapping: Path) -> list[str]:
    """`pushwise import` of the export with its column mapping given."""
    return [
        sys.executable,
        "-m",
        "ml.cli",
        "import",
        str(path),
        "--project",
        str(project),
        "--mapping",
        str(mapping),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--results", action="store_true", help="write RESULTS.md")
    args = parser.parse_args()
    path, lines = export_file()
    megabytes = path.stat().st_size / 1e6
    pandas_runs, import_runs = [], []
    with tempfile.TemporaryDirectory() as folder:
        mapping = Path(folder) / "mapping.json"
        mapping.write_text(
            json.dumps(
                {"version": 1, "kind": "orders", "columns": MAPPING, "day_first": True}
            ),
            encoding="utf-8",
        )
        for i in range(args.repeats):  # interleaved, so machine noise hits both
            pandas_runs.append(timed(read_csv_command(path)))
            project = Path(folder) / f"bench{i}.pushwise"
            import_runs.append(timed(import_command(path, project, mapping)))
            project.unlink()
    pandas_s = statistics.median(r.seconds for r in pandas_runs)
    import_s = statistics.median(r.seconds for r in import_runs)
    pandas_cpu = statistics.median(r.cpu_seconds for r in pandas_runs)
    import_cpu = statistics.median(r.cpu_seconds for r in import_runs)
    pandas_mb = max(r.peak_mb for r in pandas_runs)
    import_mb = max(r.peak_mb for r in import_runs)
    ratio = import_s / pandas_s
    time_met = "met" if ratio <= TARGET_RATIO else "missed"
    memory_met = "met" if import_mb <= TARGET_MB else "missed"
    section = "\n".join(
        [
            SECTION,
            "",
            f"A European export of the grocery-shaped 1x history ({lines:,} lines, "
            f"{megabytes:.0f} MB; Windows-1252, `;`, decimal commas, day-first "
            f"dates), {args.repeats} interleaved runs, each a fresh process "
            f"(start-up included), medians of times, largest peak RSS; measured "
            f"{date.today()} on {platform.machine()} with Python "
            f"{platform.python_version()}, {os.cpu_count()} cores.",
            "",
            "| process | time (s) | CPU (s) | peak RSS (MB) |",
            "| --- | ---: | ---: | ---: |",
            f"| `pandas.read_csv` (sep, encoding, decimal given) | {pandas_s:.1f} "
            f"| {pandas_cpu:.1f} | {pandas_mb:.0f} |",
            f"| `pushwise import --mapping` | {import_s:.1f} | {import_cpu:.1f} "
            f"| {import_mb:.0f} |",
            "",
            f"Ratio import / read_csv: **{ratio:.1f}x** (target <= "
            f"{TARGET_RATIO:g}x: {time_met}; in CPU time "
            f"{import_cpu / pandas_cpu:.1f}x); import peak RSS **{import_mb:.0f} "
            f"MB** (target <= {TARGET_MB:.0f} MB: {memory_met}).",
            "",
        ]
    )
    if args.results:
        replace_section(SECTION, section)
    print(section)


if __name__ == "__main__":
    main()
