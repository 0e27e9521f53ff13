"""Write the corpus of small bad input files for the reader tests.

Run from anywhere: `python tests/data/bad/make_bad_files.py`. The files are
committed; tests/ml/test_reading_bad_files.py asserts the exact outcome of each.
The 1 MB single-field file is not committed: tests write it into tmp_path with
`write_big_field`.
"""

from __future__ import annotations

import gzip
import io
import random
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIG_FIELD_BYTES = 1 << 20
# A little over 1 MB of letters and line breaks: one value of write_big_field.
BIG_FIELD_VALUE = ("x" * 99 + "\n") * (BIG_FIELD_BYTES // 100 + 1)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            # A fixed timestamp keeps the bytes the same on every run.
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def _garbage() -> bytes:
    return random.Random(7).randbytes(2048)


def _control_bytes() -> bytes:
    # Text-like, without NUL, but full of control bytes (a binary record format).
    rows = [
        b"id\x01name\x02\x03amount\x04" + bytes([5, 6, 7, 8]) * 4 for _ in range(20)
    ]
    return b"\n".join(rows)


ORDERS = "customer_id,product,amount\n"


def _truncated_gzip() -> bytes:
    rows = "".join(
        f"C{i},Item {i * 7919 % 1000},{i * 13 % 97}.50\n" for i in range(400)
    )
    whole = gzip.compress((ORDERS + rows).encode(), mtime=0)
    return whole[: len(whole) // 2]


def corpus() -> dict[str, bytes]:
    """File name -> exact bytes of every committed bad file."""
    return {
        "empty.csv": b"",
        "blank_lines_only.csv": b"\r\n   \r\n\r\n",
        "header_only.csv": ORDERS.encode(),
        "report_without_rows.csv": (
            b"Opportunity report\r\n\r\nOwner,Amount\r\n"
            b"\r\nGrand Totals (0 records)\r\n"
        ),
        "binary_garbage.csv": _garbage(),
        "control_bytes.csv": _control_bytes(),
        "wrong_delimiter.csv": (
            b"customer_id;product;amount\nC1,Mug,4.50\nC2,Plate,12.00\nC3,Bowl,7.25\n"
        ),
        "header_data_mismatch.csv": (
            b"customer_id,product,amount\n"
            b"C1,Mug,4.50,\n"
            b"C2,Plate,12.00,\n"
            b"C3,Bowl,7.25,\n"
        ),
        "ragged_rows.csv": (
            b"customer_id,product,amount\n"  # 1
            b"C1,Mug,4.50\n"  # 2
            b'C2,"Plate, blue",12.00\n'  # 3
            b"C3,Bowl\n"  # 4: fewer fields
            b"C4,Cup,3.10\n"  # 5
            b'C5,"Jug\nlarge",9.99\n'  # 6-7: quoted line break
            b"C6,Vase,Glass,20.00\n"  # 8: more fields
            b"C7,Tray,5.00\n"  # 9
            b'C8,"Lamp\nwith\nshade",8.00,extra\n'  # 10-12: more fields over 3 lines
            b"C9,Spoon,1.20\n"  # 13
        ),
        "unclosed_quote.csv": (
            b"customer_id,product,amount\n"
            b"C1,Mug,4.50\n"
            b"C2,Plate,12.00\n"
            b"C3,Bowl,7.25\n"
            b'C4,"Cup,3.10\n'  # 5: the quote never closes
            b"C5,Jug,9.99\n"
            b"C6,Vase,20.00\n"
        ),
        "unclosed_quote_last_field.csv": (
            b"customer_id,product,amount\n"
            b"C1,Mug,4.50\n"
            b"C2,Plate,12.00\n"
            b'C3,Bowl,"7.25\n'  # 4: the quote never closes
            b"C4,Cup,3.10\n"
        ),
        "mixed_encodings.csv": (
            "customer_id,city\nC1,Köln\nC2,Berlin\nC3,Paris\n".encode()
            + "C4,Orléans\nC5,Wien\n".encode("cp1252")  # 5: é as cp1252 byte
        ),
        "bom_then_cp1252.csv": (
            b"\xef\xbb\xbf"
            + "customer_id,city\nC1,Berlin\nC2,Orléans\n".encode("cp1252")
        ),
        "utf16_odd_length.csv": "customer_id\tcity\r\nC1\tKöln\r\n".encode("utf-16")
        + b"\x00",
        "duplicated_headers.csv": (
            b"Email,Name,email,Email,,__line__\n"
            b"a@x.org,Ann,a2@x.org,a3@x.org,x,y\n"
            b"b@x.org,Ben,b2@x.org,b3@x.org,x,y\n"
        ),
        "salesforce_report.csv": (
            b'"Opportunity Pipeline"\r\n'  # 1
            b'"Filtered By: Stage equals Closed Won"\r\n'  # 2
            b"\r\n"  # 3
            b'"Opportunity Owner","Account Name","Amount","Close Date"\r\n'  # 4
            b'"Ann Lee","Acme, Inc.","1,200.00","2024-03-01"\r\n'  # 5
            b'"Ben Ode","Globex","800.00","2024-03-05"\r\n'  # 6
            b'"Cy Ray","Initech","450.50","2024-03-09"\r\n'  # 7
            b"\r\n"  # 8
            b'"Grand Totals (3 records)","","2,450.50",""\r\n'  # 9
            b"\r\n"  # 10
            b'"Confidential Information - Do Not Distribute"\r\n'  # 11
            b'"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\r\n'
        ),
        "semicolon_decimal_comma.csv": (
            "Kunde;Artikel;Preis;Menge\n"
            "K1;Tasse;4,50;2\n"
            "K2;Teller, blau;12,00;1\n"
            "K3;Schüssel;7,25;3\n"
        ).encode(),
        "blank_lines_between.csv": (
            b"customer_id,product,amount\n\nC1,Mug,4.50\n,,\nC2,Plate,12.00\n\n\n"
        ),
        "stray_carriage_returns.csv": (
            b"customer_id,product,amount\r\nC1,Mug,4.50\rC2,Plate,12.00\r\nC3,Bowl,7.25\n"
        ),
        "two_csvs.zip": _zip(
            {"orders.csv": ORDERS.encode(), "customers.csv": b"id\n1\n"}
        ),
        "no_csv.zip": _zip({"readme.md": b"# export\n", "logo.png": b"\x89PNG\r\n"}),
        "truncated.csv.gz": _truncated_gzip(),
        "not_a_table.json": b'{"orders": []}\n',
        "web_page.xls": b"<html><body><table><tr><td>id</td></tr></table></html>",
        "text_named.xlsx": b"customer_id\tproduct\tamount\nC1\tMug\t4.50\n",
    }


def write_big_field(path: Path) -> Path:
    """A CSV whose row 3 holds one 1 MB value (letters and line breaks)."""
    text = f'customer_id,note\nC1,short\nC2,"{BIG_FIELD_VALUE}"\nC3,after\n'
    path.write_bytes(text.encode())
    return path


def main() -> None:
    """Write every corpus file next to this script."""
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    main()
