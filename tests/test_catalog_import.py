"""Reading catalog files: every encoding Excel writes, XLSX with title rows, header variants, bad rows."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from db.catalog_store import read_catalog_file
from models.catalog_import import parse_flag, parse_online_level
from models.errors import UserError

HEADER = ["STT", "Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí", "Mức độ DVC",
          "Thiết yếu", "Đường dẫn"]
ROWS = [
    ["1", "1.001193", "Đăng ký khai sinh", "Hộ tịch", "Trong ngày", "Miễn lệ phí", "Toàn trình", "x", ""],
    ["2", "2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "Trong ngày",
     "2.000 đồng/trang", "Mức độ 3", "", "https://example.gov.vn/a"],
    ["3", "1.004222", "Đăng ký thường trú", "Cư trú", "07 ngày làm việc", "", "4", "có", ""],
]


def to_cp1258(text: str) -> bytes:
    """Encode as Excel on Vietnamese Windows does: base letters (â, ơ, ư…) precomposed where the code
    page has them, tone marks as separate combining characters. (NFD alone cannot be encoded: cp1258
    has no combining circumflex, breve or horn.)"""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
            out.append((base + "".join(p for p in parts if p in tones)).encode("cp1258"))
    return b"".join(out)


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    def quote(cell: str) -> str:
        return f'"{cell}"' if delimiter in cell or '"' in cell else cell
    return "\r\n".join(delimiter.join(quote(c) for c in row) for row in rows) + "\r\n"


def names_of(path: Path) -> list[str]:
    return [row.name for row in read_catalog_file(path).rows]


EXPECTED_NAMES = [row[2] for row in ROWS]


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),  # with BOM, as Excel's "Unicode Text" writes
        lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
        to_cp1258,
        lambda t: unicodedata.normalize("NFD", t).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "cp1258", "utf8-nfd"],
)
def test_each_encoding_reads_to_the_same_nfc_text(tmp_path: Path, encode) -> None:
    path = tmp_path / "danh-muc.csv"
    path.write_bytes(encode(csv_text([HEADER, *ROWS])))
    catalog = read_catalog_file(path)
    names = [row.name for row in catalog.rows]
    assert names == EXPECTED_NAMES
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    assert catalog.rows[0].procedure.field == "Hộ tịch"


def test_cp1258_bytes_really_carry_combining_tone_marks() -> None:
    # The test file must be what Excel writes, or the cp1258 test above proves nothing.
    data = to_cp1258("Đăng ký")
    assert data.decode("cp1258") != "Đăng ký"
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == "Đăng ký"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "danh-muc.csv"
    path.write_text(csv_text([HEADER, *ROWS], delimiter), encoding="utf-8")
    catalog = read_catalog_file(path)
    assert names_of(path) == EXPECTED_NAMES
    assert catalog.rows[1].procedure.fees == "2.000 đồng/trang"


def test_values_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(csv_text([HEADER, *ROWS]), encoding="utf-8")
    first, second, third = (row.procedure for row in read_catalog_file(path).rows)
    assert (first.online_level, first.essential, first.deadline_unit) == ("toan_trinh", True, "same_day")
    assert (second.online_level, second.essential, second.own_url) == ("mot_phan", False, "https://example.gov.vn/a")
    assert (third.online_level, third.essential, third.deadline_value) == ("toan_trinh", True, 7.0)


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_xlsx_with_title_rows_above_the_header(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "dm.xlsx", [
        ["DANH MỤC THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND CẤP XÃ"],
        ["(Ban hành kèm theo Quyết định số 123/QĐ-UBND)"],
        [],
        HEADER,
        *ROWS,
    ])
    catalog = read_catalog_file(path)
    assert [row.name for row in catalog.rows] == EXPECTED_NAMES
    assert [row.row_number for row in catalog.rows] == [5, 6, 7]


def test_xlsx_numeric_cells_keep_the_national_code_shape(tmp_path: Path) -> None:
    # Excel stores a typed 1.004220 as the number 1.00422 and a typed 4 as 4.0.
    path = _xlsx(tmp_path / "so.xlsx", [["Mã TTHC", "Tên TTHC", "Mức độ"], [1.00422, "Đăng ký tạm trú", 4]])
    row = read_catalog_file(path).rows[0]
    assert row.code == "1.004220"
    assert row.procedure.online_level == "toan_trinh"


@pytest.mark.parametrize(
    "header",
    [
        ["Mã TTHC", "Tên TTHC", "Lĩnh vực"],
        ["MÃ THỦ TỤC", "TÊN THỦ TỤC", "LĨNH VỰC"],
        ["  ma thu tuc ", "ten   thu tuc", "linh vuc"],
        [unicodedata.normalize("NFD", "Mã thủ tục"), "Tên thủ tục hành chính", "Lĩnh  vực"],
    ],
)
def test_header_variants(tmp_path: Path, header: list[str]) -> None:
    path = tmp_path / "h.csv"
    path.write_text(csv_text([header, ["1.001193", "Đăng ký khai sinh", "Hộ tịch"]]), encoding="utf-8")
    catalog = read_catalog_file(path)
    assert catalog.columns == {"code", "name", "field"}
    assert catalog.rows[0].procedure.field == "Hộ tịch"


def test_fee_header_variants(tmp_path: Path) -> None:
    for header in ("Phí", "Lệ phí", "Phí, lệ phí"):
        path = tmp_path / "p.csv"
        path.write_text(csv_text([["Mã TTHC", "Tên TTHC", header], ["1", "A", "5.000 đồng"]]), encoding="utf-8")
        assert read_catalog_file(path).rows[0].procedure.fees == "5.000 đồng"


def test_rejected_rows_carry_row_numbers_and_vietnamese_reasons(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(csv_text([
        HEADER,
        ["1", "", "Không có mã", "", "", "", "", "", ""],
        ["2", "1.000001", "", "", "", "", "", "", ""],
        ["3", "1.000002", "Hai", "", "", "", "", "", ""],
        ["4", "1.000002", "Hai lần", "", "", "", "", "", ""],
        ["5", "1.000003", "Link xấu", "", "", "", "", "", "www.example.com"],
        ["6", "1.000004", "Mức lạ", "", "", "", "Cao", "", ""],
        ["7", "1.000005", "Cờ lạ", "", "", "", "", "hình như", ""],
        ["", "", "", "", "", "", "", "", ""],
    ]), encoding="utf-8")
    rows = read_catalog_file(path).rows
    reasons = {row.row_number: row.reason for row in rows if row.procedure is None}
    assert reasons[2] == "Thiếu mã thủ tục"
    assert reasons[3] == "Thiếu tên thủ tục"
    assert reasons[5] == "Mã trùng với dòng 4 trong tệp"
    assert reasons[6].startswith("Đường dẫn không hợp lệ")
    assert reasons[7].startswith("Mức độ DVC không nhận ra")
    assert reasons[8].startswith("Cột Thiết yếu không nhận ra")
    assert len(rows) == 7  # the blank row is skipped, not rejected
    assert next(r for r in rows if r.row_number == 4).procedure is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary\xff\xfe", "không phải văn bản"),
        (b"PK\x03\x04truncated zip", "Không đọc được tệp Excel"),
        (b"\xd0\xcf\x11\xe0old excel", ".xls"),
        (b"Ma,Ten\r\n1,A\r\n", "Không tìm thấy dòng tiêu đề"),
        (b"   ", "trống"),
        (codecs.BOM_UTF8 + b"M\xc3\xa3 TTHC,T\xff\r\n", "bảng mã UTF-8"),
    ],
)
def test_unusable_files_raise_a_vietnamese_user_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / ("f.xlsx" if content.startswith(b"PK") else "f.csv")
    path.write_bytes(content)
    with pytest.raises(UserError) as caught:
        read_catalog_file(path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="Không tìm thấy tệp"):
        read_catalog_file(tmp_path / "khong-co.csv")


@pytest.mark.parametrize(
    ("text", "level"),
    [("Toàn trình", "toan_trinh"), ("DVC trực tuyến toàn trình", "toan_trinh"), ("Mức độ 4", "toan_trinh"),
     ("4", "toan_trinh"), ("3", "mot_phan"), ("Một phần", "mot_phan"), ("mot_phan", "mot_phan"), ("2", ""),
     ("Mức độ 1", ""), ("", ""), ("Không", ""), ("Cao", None), ("5", None)],
)
def test_online_levels(text: str, level: str | None) -> None:
    assert parse_online_level(text) == level


@pytest.mark.parametrize(("text", "flag"), [("x", True), ("X", True), ("Có", True), ("1", True), ("yes", True),
                                            ("", False), ("không", False), ("0", False), ("hình như", None)])
def test_essential_flags(text: str, flag: bool | None) -> None:
    assert parse_flag(text) is flag
