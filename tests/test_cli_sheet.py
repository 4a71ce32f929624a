"""`sheet` from the command line: the PDF is written, its QR codes scan, filters apply, bad input refused."""

from __future__ import annotations

import json

import pypdfium2
import zxingcpp
from pypdf import PdfReader


def _decode_all(path) -> list[str]:
    texts = []
    pdf = pypdfium2.PdfDocument(str(path))
    for page in pdf:
        image = page.render(scale=150 / 72).to_pil()
        texts += [result.text for result in zxingcpp.read_barcodes(image)]
    pdf.close()
    return texts


def test_list_sheet_of_the_sample_catalog(cli, tmp_path):
    folder = str(tmp_path / "xa")
    out = tmp_path / "danh-sach.pdf"
    result = cli("--data-dir", folder, "--json", "sheet", "--layout", "list", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pages"] >= 1
    catalog = json.loads(cli("--data-dir", folder, "--json", "catalog", "list").stdout)
    assert sorted(_decode_all(out)) == sorted(row["qr_url"] for row in catalog)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "DANH MỤC THỦ TỤC HÀNH CHÍNH" in text


def test_cards_default_to_essential_and_filters_apply(cli, tmp_path):
    folder = str(tmp_path / "xa")
    catalog = json.loads(cli("--data-dir", folder, "--json", "catalog", "list").stdout)
    essential = sorted(row["qr_url"] for row in catalog if row["essential"])
    out = tmp_path / "the.pdf"
    assert cli("--data-dir", folder, "sheet", "--layout", "cards", "--out", str(out)).returncode == 0
    assert sorted(_decode_all(out)) == essential
    only = tmp_path / "ma.pdf"
    assert cli("--data-dir", folder, "sheet", "--layout", "cards", "--codes", "2.000815,1.004222",
               "--out", str(only)).returncode == 0
    by_code = {row["code"]: row["qr_url"] for row in catalog}
    assert sorted(_decode_all(only)) == sorted([by_code["2.000815"], by_code["1.004222"]])
    field = tmp_path / "linh-vuc.pdf"
    assert cli("--data-dir", folder, "sheet", "--field", "Chứng thực", "--out", str(field)).returncode == 0
    assert sorted(_decode_all(field)) == sorted(row["qr_url"] for row in catalog if row["field"] == "Chứng thực")


def test_unknown_code_is_refused_and_no_file_written(cli, tmp_path):
    out = tmp_path / "x.pdf"
    result = cli("--data-dir", str(tmp_path / "xa"), "sheet", "--codes", "9.999999", "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith("Lỗi:") and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
