"""Hostile spreadsheet and CSV files, built small: the attacks of issue #17's review."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path


def _catalog_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã thủ tục", "Tên thủ tục"])
    sheet.append(["1.000001", "Thủ tục một"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, member: str, change) -> bytes:
    """`data` with one member's bytes changed; `change` returns bytes or a list of chunks (streamed, so a
    gigabyte of padding never sits in the test's memory: the measured child would inherit that peak)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename != member:
                target.writestr(info.filename, content)
                continue
            with target.open(info.filename, "w", force_zip64=True) as handle:
                for chunk in change(content):
                    handle.write(chunk)
    return out.getvalue()


def dimension_bomb(path: Path) -> Path:
    """A few KB declaring A1:XFD1048576: openpyxl's read-only mode would fill 17 billion cells."""
    def declare(xml: bytes) -> bytes:
        xml = re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", b"", xml)
        return [xml.replace(b"<sheetViews>", b'<dimension ref="A1:XFD1048576"/><sheetViews>', 1)]

    path.write_bytes(_rewrite(_catalog_xlsx(), "xl/worksheets/sheet1.xml", declare))
    return path


def whitespace_bomb(path: Path, megabytes: int = 1024) -> Path:
    """A sheet that inflates into `megabytes` of whitespace (1000:1) before its rows."""
    def pad(xml: bytes):
        before, after = xml.split(b"<sheetData>", 1)
        yield before + b"<sheetData>"
        block = b" " * (1024 * 1024)
        for _ in range(megabytes):
            yield block
        yield after

    path.write_bytes(_rewrite(_catalog_xlsx(), "xl/worksheets/sheet1.xml", pad))
    return path


def far_cell_bomb(path: Path) -> Path:
    """Real cells at XFD and at row 1,048,576 under the header: gaps must not be filled."""
    def far(xml: bytes) -> bytes:
        cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        return [xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)]

    path.write_bytes(_rewrite(_catalog_xlsx(), "xl/worksheets/sheet1.xml", far))
    return path


def unknown_compression(data: bytes) -> bytes:
    """The first local header's compression method byte changed (8, deflate -> 99)."""
    changed = bytearray(data)
    changed[8] = 99
    central = data.rfind(b"PK\x01\x02")
    while central != -1:
        changed[central + 10] = 99
        central = data.rfind(b"PK\x01\x02", 0, central)
    return bytes(changed)
