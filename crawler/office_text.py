"""Text of spreadsheets and legacy Word/WPS files, kept row by row: a line per row, cells separated
by tabs (antiword draws table columns with `|`), so numbers in adjacent cells never run together.
xlsx through openpyxl, xls through xlrd, doc/wps through Debian's antiword (installed by
scripts/install-system.sh); anything else, or a file these cannot open, is left unread."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

ROW_LIMIT = 20_000        # rows read per workbook (all sheets together)
ANTIWORD_TIMEOUT_S = 30


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 13800138000.0 → 13800138000: numbers stored as numbers read as printed
    return " ".join(str(value).split())


def _rows_text(rows, limit: int) -> str:
    lines = []
    for row in rows:
        lines.append("\t".join(_cell(value) for value in row).rstrip("\t"))
        if len(lines) >= ROW_LIMIT or sum(map(len, lines)) > limit:
            break
    return "\n".join(lines)[:limit]


def xlsx_text(body: bytes, limit: int) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    try:
        return _rows_text((row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)), limit)
    finally:
        book.close()


def xls_text(body: bytes, limit: int) -> str:
    import xlrd

    book = xlrd.open_workbook(file_contents=body, on_demand=True)
    rows = (sheet.row_values(i) for sheet in book.sheets() for i in range(sheet.nrows))
    return _rows_text(rows, limit)


def doc_text(body: bytes, limit: int) -> str:
    """antiword reads Word 97–2003 (and most WPS) files; its table rows come as `|a|b|` lines."""
    if not shutil.which("antiword"):
        raise RuntimeError("antiword is not installed")
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(body)
        handle.flush()
        done = subprocess.run(["antiword", "-m", "UTF-8.txt", "-w", "0", handle.name], capture_output=True,
                              timeout=ANTIWORD_TIMEOUT_S)
    if done.returncode != 0:
        raise ValueError(done.stderr.decode("utf-8", "replace").strip()[:200] or "antiword failed")
    lines = [line.strip().strip("|").replace("|", "\t") for line in done.stdout.decode("utf-8", "replace").split("\n")]
    return "\n".join(line for line in lines if line.strip())[:limit]


READERS = {"xlsx": xlsx_text, "xls": xls_text, "et": xls_text, "doc": doc_text, "wps": doc_text}
