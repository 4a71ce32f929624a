"""Control characters, ANSI escapes and bidi overrides never reach the database from what users type."""

from __future__ import annotations

import json
from datetime import date

import pytest

from models.dossier_applicant import make_applicant
from models.text import clean_text

ATTACKS = {
    "\x1b[2J\x1b[31mNguyễn Văn An\x1b[0m": "Nguyễn Văn An",  # clears and recolours a terminal
    "Nguyễn\u202eAn Văn": "NguyễnAn Văn",  # right-to-left override: reads reversed
    "Trần\u2066 Thị\u2069 Bình": "Trần Thị Bình",  # isolates
    "Lê\x00 Chi\x07\x08": "Lê Chi",  # NUL, bell, backspace
    "Phạm\u200f Dũng\ufeff": "Phạm Dũng",  # RTL mark, BOM
    "\x1b]0;tiêu đề giả\x07Hoàng Yến": "Hoàng Yến",  # terminal title (OSC)
    "Võ\x9b31m Nam": "Võ31m Nam",  # C1 CSI alone is removed
}


@pytest.mark.parametrize(("typed", "stored"), list(ATTACKS.items()))
def test_clean_text_strips_them(typed: str, stored: str) -> None:
    assert clean_text(typed) == stored


def test_vietnamese_text_is_untouched() -> None:
    text = "Nguyễn Thị Ánh Tuyết – số 12, ngõ 3; Hà Nội (đ/c: thôn Đông) 😊"
    assert clean_text(text) == text


def test_applicant_name_and_address_are_stripped(db) -> None:
    from db.dossier_store import receive_dossier

    person = make_applicant(name="\x1b[31mNguyễn\u202e Văn An", address="Thôn\x00 Đông\u2066",
                            today=date(2026, 3, 1))
    dossier = receive_dossier(db, procedure_code="2.001019", applicant=person, note="ghi\x1b[0m chú")
    row = db.execute("SELECT applicant_name, address, note FROM dossiers WHERE code = ?",
                     [dossier.code]).fetchone()
    assert row == ("Nguyễn Văn An", "Thôn Đông", "ghi chú")
    payload = db.execute("SELECT payload FROM events WHERE action = 'receive'").fetchone()[0]
    text = json.dumps(json.loads(payload), ensure_ascii=False)  # escapes undone: the very characters
    assert "Nguyễn Văn An" in text and "\x1b" not in text and "\u202e" not in text and "\u2066" not in text


def test_cli_receive_prints_no_escape_back(data_dir, cli) -> None:
    done = cli("--data-dir", str(data_dir), "dossier", "receive", "--procedure", "2.001019",
               "--name", "\x1b[2JNguyễn\u202e An")
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
