"""Fees and charges (phí, lệ phí) collected at reception: whether a procedure has one, and the amount typed.

The catalog keeps each procedure's fee as text ("Theo quy định", "2.000 đồng/trang", "Không"); a
procedure has a fee unless that text is empty or says there is none. The official forms Mẫu 01–07 have
no fee field, so the fee shows on the dossier and in the fee report only (issue #14).
"""

from __future__ import annotations

import re

from models.errors import UserError
from models.text import clean_text, fold

FEE_ACTION = "fee"  # the event of a fee recorded after reception
NO_FEE_WORDS = ("khong", "mien", "khong thu", "mien phi", "mien phi, le phi", "khong co", "khong quy dinh")
MAX_FEE = 1_000_000_000  # đồng: a typo guard, far above any commune fee
MAX_RECEIPT = 40


def procedure_has_fee(fees_text: str | None) -> bool:
    """'Theo quy định', '50.000 đồng' -> True; '', 'Không', 'Miễn phí', 'Không thu' -> False."""
    text = fold(clean_text(fees_text or "")).strip(" .;:")
    return bool(text) and not any(text == word or text.startswith(word + " ") for word in NO_FEE_WORDS)


def parse_fee_amount(text: str | int | None) -> int | None:
    """'50.000', '50000', '50 000 đ' -> 50000; empty -> None; anything else: one Vietnamese line."""
    if text is None or (isinstance(text, str) and not clean_text(text)):
        return None
    if isinstance(text, int):
        amount = text
    else:
        digits = re.sub(r"(?i)[\s.,]|đồng|đ|vnd", "", clean_text(text))
        if not digits.isdigit():
            raise UserError(f"Số tiền phí, lệ phí '{clean_text(text)}' phải là số đồng (ví dụ 50.000).")
        amount = int(digits)
    if not 0 <= amount <= MAX_FEE:
        raise UserError(f"Số tiền phí, lệ phí phải từ 0 đến {MAX_FEE:,} đồng.".replace(",", "."))
    return amount


def check_receipt(text: str | None, amount: int | None) -> str | None:
    """The fee receipt number: needed when money was collected (it proves the payment)."""
    receipt = clean_text(text or "")
    if len(receipt) > MAX_RECEIPT:
        raise UserError(f"Số biên lai quá dài (tối đa {MAX_RECEIPT} ký tự).")
    if amount and not receipt:
        raise UserError("Đã thu phí, lệ phí thì cần ghi số biên lai đã cấp.")
    return receipt or None


def fee_text(amount: int | None, receipt: str | None, required: bool) -> str:
    """'50.000 đồng, biên lai 0001234' / 'Chưa thu' / 'Không thu'."""
    if amount is None:
        return "Chưa thu" if required else "Không thu"
    money = f"{amount:,}".replace(",", ".") + " đồng"
    return f"{money}, biên lai {receipt}" if receipt else money
