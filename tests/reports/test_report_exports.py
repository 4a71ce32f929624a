"""Exports: the report and the logbook to XLSX and PDF, with the figures of the hand-counted scenario."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import datetime

import openpyxl
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from report_scenario import FEBRUARY, NOW

from db.events import events_for
from db.settings_store import update_settings


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFC", text).split())


def pdf_text(path) -> str:
    return squash(" ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))


def run(cli, data_dir, *args):
    result = cli("--data-dir", str(data_dir), "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def unit(db):
    return update_settings(db, {"unit_name": "UBND xã Hương Mai", "province": "Bắc Ninh",
                                "unit_code": "000.17.22.H56"})


def february(*extra):
    return ("--from", "01/02/2026", "--to", "2026-02-28", *extra)


def test_report_xlsx_is_laid_out_to_print(scenario, unit, data_dir, cli, tmp_path) -> None:
    target = tmp_path / "bao-cao.xlsx"
    printed = run(cli, data_dir, "report", *february("--at", NOW.isoformat(), "--xlsx", str(target)))
    assert printed["files"] == [str(target)]
    book = openpyxl.load_workbook(target)
    sheet = book["Báo cáo"]
    texts = [str(c.value) for row in sheet.iter_rows(max_row=8) for c in row if c.value]
    assert "UBND TỈNH BẮC NINH" in texts and "UBND XÃ HƯƠNG MAI" in texts
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert any("BÁO CÁO TÌNH HÌNH TIẾP NHẬN" in t for t in texts)
    assert any("01/02/2026 đến 28/02/2026" in t for t in texts)
    rows = {row[1].value: row for row in sheet.iter_rows() if row[1].value}
    heads = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "STT")]
    total = rows["Tổng cộng"]

    def cell(title):
        return total[heads.index(title)]

    assert cell("Tiếp nhận").value == printed["received"] == 14
    assert cell("Đã giải quyết").value == 9
    assert (cell("Trước hạn").value, cell("Đúng hạn").value, cell("Quá hạn").value) == (2, 4, 3)
    # The balance (report_scenario: 1 carried over + 14 received = 9 + 3 + 3) and the channels.
    assert (cell("Tồn kỳ trước").value, cell("Trực tiếp").value, cell("Trực tuyến").value,
            cell("Bưu chính").value) == (1, 7, 6, 1)
    assert (cell("Từ chối").value, cell("Rút hồ sơ").value, cell("Dừng giải quyết").value) == (1, 1, 1)
    assert (cell("Đang giải quyết trong hạn").value, cell("Đang giải quyết quá hạn").value) == (1, 2)
    assert cell("Trực tuyến (766)").value == pytest.approx(3 / 14)  # A C N: online with an electronic result
    assert cell("Trực tuyến (766)").number_format == "0.0%"
    assert cell("Hài lòng (766)").value == pytest.approx(printed["satisfaction_rate"]) == pytest.approx(8 / 15)
    assert cell("Tiếp nhận").number_format == "#,##0" and cell("Tiếp nhận").font.bold
    assert rows["Hộ tịch"][heads.index("Tiếp nhận")].value == printed["by_field"]["Hộ tịch"]["received"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows
    assert "Trang &P/&N" in sheet.oddFooter.center.text
    indicators = [r[2].value for r in sheet.iter_rows() if r[2].value]
    assert "Tỷ lệ hồ sơ nộp trực tuyến" in indicators and "Thanh toán trực tuyến" in indicators
    due = book["Quá hạn, sắp đến hạn"]
    assert [r[1].value for r in due.iter_rows(min_row=4) if r[1].value] == [i["code"] for i in printed["due_list"]]


def test_report_pdf_holds_the_figures_and_readable_charts(scenario, unit, data_dir, cli, tmp_path) -> None:
    target = tmp_path / "bao-cao.pdf"
    run(cli, data_dir, "report", *february("--at", NOW.isoformat(), "--pdf", str(target)))
    text = pdf_text(target)
    # 3/14 online (766), 10/15 on time or within time, 8/15 satisfaction, 2/15 digitised (report_scenario).
    for words in ("UBND XÃ HƯƠNG MAI", "Từ 01/02/2026 đến 28/02/2026", "Tổng cộng", "21,4%",
                  "66,7%", "53,3%", "13,3%", "Hộ tịch", "Chứng thực", "Cư trú", "Không tính tại xã",
                  "Cân đối: kỳ trước chuyển sang 1 + tiếp nhận 14 (trực tiếp 7, trực tuyến 6, bưu chính 1) = "
                  "đã giải quyết 9", "THỜI GIAN GIẢI QUYẾT TRUNG BÌNH THEO THỦ TỤC", "NIÊM YẾT THỦ TỤC",
                  "Hồ sơ tiếp nhận và đã giải quyết theo tháng", "Tỷ lệ đúng hạn, trong hạn theo lĩnh vực (766)"):
        assert squash(words) in text, words
    document = pdfium.PdfDocument(str(target))
    first = document[0].render(scale=1).to_pil().convert("L")
    width, height = first.size
    assert width > height  # landscape
    lower = first.crop((0, height // 2, width, height))  # the charts sit in the lower half of page 1
    dark = sum(lower.histogram()[:128])
    assert dark > 0.01 * lower.size[0] * lower.size[1]


def test_logbook_one_line_per_dossier(scenario, unit, db, data_dir, cli, tmp_path) -> None:
    xlsx, pdf = tmp_path / "so.xlsx", tmp_path / "so.pdf"
    printed = run(cli, data_dir, "logbook", *february("--xlsx", str(xlsx), "--pdf", str(pdf)))
    received = sorted((c for c in scenario if FEBRUARY[0] <= c.received.date() <= FEBRUARY[1]),
                      key=lambda c: c.received)
    assert printed["lines"] == len(received) == 14
    sheet = openpyxl.load_workbook(xlsx).active
    head_row = next(r for r in sheet.iter_rows() if r[0].value == "STT")
    heads = [c.value for c in head_row]
    lines = [r for r in sheet.iter_rows(min_row=head_row[0].row + 1) if r[0].value]
    assert [r[heads.index("Mã hồ sơ")].value for r in lines] == [c.code for c in received]
    # Mẫu 07 (2025 set, in force for February 2026): the appointment is the one first given on the receipt.
    assert "Cơ quan chủ trì giải quyết" in heads and "Phương thức nhận kết quả" in heads
    firsts = {code: first for code, first in db.execute("SELECT code, first_due_at FROM dossiers").fetchall()}
    for row, case in zip(lines, received, strict=True):
        assert case.procedure in row[heads.index("Tên thủ tục hành chính")].value
        assert row[heads.index("Tên cá nhân, tổ chức")].value == case.name
        moment = row[heads.index("Thời gian nhận hồ sơ")]
        assert moment.value == case.received and moment.number_format == "dd/mm/yyyy hh:mm"
        appointment = row[heads.index("Thời gian hẹn trả kết quả")].value
        assert appointment.isoformat() == firsts[case.code]
        if not any(step in ("extend", "cho_bo_sung") for step, _ in case.steps):
            assert appointment == case.due
        assert row[heads.index("Thời gian trả kết quả")].value == case.returned
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows
    assert any("Mẫu số 07" in str(c.value) for r in sheet.iter_rows(max_row=4) for c in r if c.value)
    text = pdf_text(pdf)
    for case in received:
        assert squash(case.code) in text and squash(case.name) in text
        assert f"{case.received:%d/%m/%Y}" in text
        if case.returned:
            assert f"{case.returned:%d/%m/%Y}" in text
    assert squash("SỔ THEO DÕI HỒ SƠ") in text
    event = events_for(db, "report", "logbook")[-1]  # personal data went out: who, when, what
    assert event["action"] == "export" and event["payload"]["lines"] == 14
    assert event["payload"]["files"] == ["so.xlsx", "so.pdf"]
    # One book per field (or group of fields), chosen when exporting.
    book = tmp_path / "so-ho-tich.xlsx"
    one = run(cli, data_dir, "logbook", *february("--xlsx", str(book), "--field", "Hộ tịch"))
    fields = {c.code: c for c in received}
    sheet = openpyxl.load_workbook(book).active
    codes = [r[1].value for r in sheet.iter_rows(min_row=head_row[0].row + 1) if r[0].value]
    stored = dict(db.execute("SELECT code, field FROM dossiers").fetchall())
    assert one["lines"] == len(codes) > 0 and all(stored[code] == "Hộ tịch" for code in codes)
    assert len(codes) < len(fields)


@pytest.mark.parametrize("args, message", [
    (("report", "--from", "2026-02-01"), "Cần cả --from và --to"),
    (("report", "--from", "2026-02-01", "--to", "2026-01-01"), "trước ngày đầu kỳ"),
    (("report", "--from", "31/02/2026", "--to", "2026-03-01"), "Ngày không hợp lệ"),
    (("report", "--period", "month", "--xlsx", "x.csv"), "đuôi .xlsx"),
    (("logbook", "--period", "month"), "Cần --xlsx"),
])
def test_bad_input_one_line(data_dir, cli, args, message) -> None:
    result = cli("--data-dir", str(data_dir), *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_report_text_and_presets(scenario, data_dir, cli) -> None:
    result = cli("--data-dir", str(data_dir), "report", "--period", "year")
    assert result.returncode == 0, result.stderr
    assert f"Năm {datetime.now().year}" in result.stdout and "tiếp nhận" in result.stdout
    quarter = run(cli, data_dir, "report", "--period", "quarter", "--at", NOW.isoformat())
    assert quarter["period"] == {"from": "2026-01-01", "to": "2026-03-31", "kind": "quarter", "label": "Quý I/2026"}
    assert quarter["received"] == 16 and quarter["moment"] == NOW.isoformat()


def test_report_pdf_without_any_dossier(db, tmp_path) -> None:
    from db.report_queries import build_report
    from db.settings_store import load_settings
    from models.report_period import preset
    from printing.report_pdf import render_report_pdf

    buffer = io.BytesIO()
    pages = render_report_pdf(build_report(db, preset("month", NOW.date()), now=NOW), load_settings(db), buffer)
    assert pages >= 1
    assert squash("Không có hồ sơ quá hạn") in squash(" ".join(p.extract_text() for p in PdfReader(buffer).pages))
