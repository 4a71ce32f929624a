"""The dossier commands end to end, as a script would run them (`python main.py …`)."""

from __future__ import annotations

import json

import pytest
import zxingcpp


@pytest.fixture
def run(cli, data_dir):
    def run(*args: str):
        return cli("--data-dir", str(data_dir), *args)
    return run


def receive(run, *extra: str):
    result = run("--json", "dossier", "receive", "--procedure", "2.001019", "--name", "Nguyễn Văn An",
                 "--cccd", "001090123456", "--dob", "15/03/1990", "--phone", "+84 912 345 678",
                 "--received-at", "2026-02-13T10:00", "--paper", "Di chúc|ban_chinh|1", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def listed(run, *extra: str) -> list[dict]:
    result = run("--json", "dossier", "list", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_receive_prints_one_json_object(run) -> None:
    dossier = receive(run, "--linked", "1.004222")
    assert dossier["code"] == "000.00.00.H00-260213-1001" and dossier["state"] == "tiep_nhan"
    assert dossier["procedure_code"] == "2.001019" and dossier["name"] == "Nguyễn Văn An"
    assert dossier["channel"] == "truc_tiep" and dossier["applicant_phone"] == "0912345678"
    assert dossier["received_at"] == "2026-02-13T10:00:00" and dossier["due_at"] == "2026-02-24T10:00:00"
    assert dossier["papers"] == [{"name": "Di chúc", "kind": "ban_chinh", "count": 1}]
    assert [d["code"] for d in dossier["linked"]] == ["000.00.00.H00-260213-1002"]


def test_list_move_show(run) -> None:
    code = receive(run)["code"]
    second = receive(run, "--channel", "truc_tuyen", "--received-at", "2026-02-23T08:00")["code"]
    assert [d["code"] for d in listed(run)] == [second, code]
    assert [d["code"] for d in listed(run, "--search", "nguyen van an", "--limit", "1")] == [second]
    assert listed(run, "--overdue")[0]["overdue"] is True
    moved = run("--json", "dossier", "move", code, "--to", "dang_xu_ly", "--at", "2026-02-13T11:00",
                "--note", "Chuyển công chức tư pháp")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["state"] == "dang_xu_ly"
    assert [d["code"] for d in listed(run, "--state", "dang_xu_ly")] == [code]
    shown = json.loads(run("--json", "dossier", "show", code).stdout)
    assert [e["action"] for e in shown["events"]] == ["receive", "move"]
    move_event = shown["events"][1]
    assert move_event["payload"]["to"] == "dang_xu_ly" and move_event["payload"]["replayed"] is True
    assert move_event["payload"]["note"] == "Chuyển công chức tư pháp"
    assert move_event["at"].startswith("2026-02-13T11:00:00")


@pytest.mark.parametrize("args, message", [
    (("--cccd", "00109012345"), "Số căn cước phải có đúng 12 chữ số (đang có 11)"),
    (("--cccd", "001290123456"), "năm sinh 2090"),
    (("--phone", "12345"), "Số điện thoại"),
    (("--paper", "Tờ khai|photo|1"), "Loại giấy tờ"),
    (("--channel", "fax"), "không hợp lệ"),
])
def test_bad_input_one_vietnamese_line_and_no_change(run, args, message) -> None:
    result = run("dossier", "receive", "--procedure", "2.001019", "--name", "An", *args)
    assert result.returncode != 0 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: ") and message in lines[0]
    assert listed(run) == []


def test_forbidden_move_and_unknown_deadline(run) -> None:
    code = receive(run)["code"]
    result = run("dossier", "move", code, "--to", "da_tra")
    assert result.returncode != 0
    assert "từ 'Mới tiếp nhận' sang 'Đã trả kết quả'" in result.stderr
    assert listed(run)[0]["state"] == "tiep_nhan"
    result = run("dossier", "receive", "--procedure", "2.000986", "--name", "An")
    assert result.returncode != 0 and "hãy nhập hạn trả" in result.stderr
    ok = run("--json", "dossier", "receive", "--procedure", "2.000986", "--name", "An",
             "--received-at", "2026-03-02T09:00", "--due-at", "2026-03-16T09:00")
    assert json.loads(ok.stdout)["due_at"] == "2026-03-16T09:00:00"


def test_extend_attach_receipt_and_form(run, tmp_path) -> None:
    import pypdfium2 as pdfium

    code = receive(run)["code"]
    moved = run("dossier", "move", code, "--to", "dang_xu_ly", "--at", "2026-02-13T11:00",
                "--handover-to", "Công an xã Hương Mai|Trần Văn Bảo")
    assert moved.returncode == 0, moved.stderr
    assert "tên đăng nhập" in run("dossier", "move", code, "--to", "co_ket_qua", "--handover-to", "khong-co").stderr
    shown = json.loads(run("--json", "dossier", "show", code).stdout)
    [handover] = shown["handovers"]
    assert handover["to"] == {"name": "Trần Văn Bảo", "agency": "Công an xã Hương Mai", "account": ""}
    assert handover["from"]["account"] == "admin" and handover["at"] == "2026-02-13T11:00:00"
    assert shown["papers"] and shown["first_due_at"] == shown["due_at"]
    extended = run("--json", "dossier", "extend", code, "--days", "1", "--reason", "Chờ xác minh",
                   "--at", "2026-02-13T14:00")
    assert json.loads(extended.stdout)["due_at"] == "2026-02-25T10:00:00"
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    attached = run("--json", "dossier", "attach", code, str(scan))
    assert attached.returncode == 0, attached.stderr
    assert json.loads(attached.stdout)["display_name"] == "scan.pdf"
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf")
    assert run("dossier", "attach", code, str(fake)).returncode != 0
    receipt = tmp_path / "giay-hen.pdf"
    assert run("receipt", code, "--out", str(receipt)).returncode == 0
    document = pdfium.PdfDocument(str(receipt))
    image = document[0].render(scale=150 / 72).to_pil()
    document.close()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [code]
    for kind in ("01", "04", "06", "kiem_soat", "tiep_nhan"):
        out = tmp_path / f"mau-{kind}.pdf"
        result = run("form", kind, code, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(b"%PDF")
    # Forms whose act the dossier has not had are refused in one Vietnamese line, nothing written.
    for kind, message in (("02", "chưa từng được yêu cầu bổ sung"), ("03", "không bị từ chối"),
                          ("05", "không bị dừng"), ("khong_du_dieu_kien", "không bị từ chối")):
        result = run("form", kind, code, "--out", str(tmp_path / "khong.pdf"))
        assert result.returncode != 0 and message in result.stderr, result.stderr
    assert not (tmp_path / "khong.pdf").exists()
    assert run("form", "09", code, "--out", str(tmp_path / "x.pdf")).returncode != 0


def test_form_prints_every_kind_on_its_acts(run, tmp_path) -> None:
    from pypdf import PdfReader

    def text(path) -> str:
        return " ".join(page.extract_text() for page in PdfReader(path).pages)

    refused = receive(run)["code"]
    stopped = receive(run)["code"]
    assert "Cần ghi" in run("dossier", "move", refused, "--to", "cho_bo_sung", "--at", "2026-02-13T10:30").stderr
    assert run("dossier", "move", refused, "--to", "cho_bo_sung", "--at", "2026-02-13T10:30", "--note",
               "Thiếu giấy tờ", "--item", "Bản sao di chúc").returncode == 0
    assert run("dossier", "move", refused, "--to", "dang_xu_ly", "--at", "2026-02-23T08:00").returncode == 0
    assert run("dossier", "move", refused, "--to", "tu_choi", "--at", "2026-02-23T09:00", "--note",
               "Di chúc không hợp lệ").returncode == 0
    assert run("dossier", "move", stopped, "--to", "rut_ho_so", "--at", "2026-02-13T11:00", "--note",
               "Công dân xin rút").returncode == 0
    for kind, code, expected, day in (("02", refused, "1. Bản sao di chúc", "13"),
                                      ("khong_du_dieu_kien", refused, "Di chúc không hợp lệ", "23"),
                                      ("05", stopped, "Công dân xin rút", "13"), ("06", refused, "Giao:", "13"),
                                      ("01", stopped, "Mã hồ sơ", "13")):
        out = tmp_path / f"{kind}-{code}.pdf"
        result = run("form", kind, code, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert expected in text(out) and f"ngày {day} tháng 02 năm 2026" in text(out)
    again = run("--json", "form", "01", stopped, "--out", str(tmp_path / "lai.pdf"))
    assert json.loads(again.stdout)["reprint"] is True and "Bản in lại" in text(tmp_path / "lai.pdf")
