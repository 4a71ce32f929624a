"""The QR encoder and drawing: same symbols as the qrcode library, level M, every dark module drawn."""

from __future__ import annotations

import random
import string

import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_M

from models.errors import UserError
from printing.qr import MIN_VERSION, QUIET_ZONE, encode_modules, qr_matrix


def _reference(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(version=MIN_VERSION, error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.modules]


def _texts() -> list[str]:
    generator = random.Random(20260309)
    texts = [
        "https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword=1.001193.000.00.00.H56",
        "https://x.vn/a",
        "Đăng ký khai sinh",
        "0123456789" * 30,
    ]
    for _ in range(40):  # versions 4 to about 20, with and without version information blocks
        length = generator.choice([5, 40, 90, 150, 300, 600])
        texts.append("".join(generator.choice(string.printable) for _ in range(length)))
    return texts


@pytest.mark.parametrize("text", _texts())
def test_same_matrix_as_qrcode(text):
    assert encode_modules(text) == _reference(text)


def test_path_covers_exactly_the_dark_modules():
    text = "https://dichvucong.example.gov.vn/tthc?ma=2.000986.000.00.00.H56"
    modules = encode_modules(text)
    matrix = qr_matrix(text)
    size = matrix.size
    drawn = [[False] * size for _ in range(size)]
    for op in matrix.path_ops.splitlines():
        x, y, width, height, name = op.split()
        assert name == "re" and height == "1"
        for column in range(int(x), int(x) + int(width)):
            row = size - 1 - int(y)
            assert not drawn[row][column]
            drawn[row][column] = True
    assert drawn == modules


def test_sizes():
    matrix = qr_matrix("https://x.vn/a")
    assert matrix.size == 4 * MIN_VERSION + 17
    assert matrix.outer(33.0) == pytest.approx(33.0 + 2 * QUIET_ZONE)
    assert matrix.symbol_in_box(41.0) == pytest.approx(33.0)


def test_too_long_for_a_qr_code_is_a_user_error():
    with pytest.raises(UserError, match="quá dài"):
        encode_modules("https://a.vn/" + "x" * 3000)
