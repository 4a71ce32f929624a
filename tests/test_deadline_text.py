"""Reading processing times as catalogs write them, and refusing what cannot be read safely."""

from __future__ import annotations

import unicodedata

import pytest

from models.deadline_text import check_deadline, format_deadline, parse_deadline
from models.errors import UserError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05 ngày làm việc", (5.0, "working_days")),
        ("Trong ngày", (None, "same_day")),
        ("03 giờ làm việc", (3.0, "working_hours")),
        ("Ngay trong ngày làm việc; trường hợp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo",
         (None, "same_day")),
        ("15 ngày", (15.0, "calendar_days")),
        ("Không quá 10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.", (10.0, "working_days")),
        ("05 (năm) ngày làm việc", (5.0, "working_days")),
        ("1,5 ngày làm việc", (1.5, "working_days")),
        ("03 ngày làm việc; trường hợp cần xác minh thì không quá 06 ngày làm việc", (3.0, "working_days")),
        ("  05   NGÀY LÀM VIỆC ", (5.0, "working_days")),
        # Decomposed input (some keyboards, Windows-1258 files) reads the same.
        (unicodedata.normalize("NFD", "07 ngày làm việc"), (7.0, "working_days")),
        # Not safe to read: the clerk sets these.
        ("", (None, None)),
        ("Trong ngày làm việc tiếp theo", (None, None)),
        ("Trường hợp cần xác minh: 05 ngày làm việc", (None, None)),
        ("10 ngày làm việc, 05 ngày làm việc đối với hồ sơ trực tuyến", (None, None)),
        ("01 tháng", (None, None)),
        ("03 giờ", (None, None)),
        ("0 ngày làm việc", (None, None)),
        ("Theo thời hạn của từng thủ tục thành phần", (None, None)),
    ],
)
def test_parse_deadline(text: str, expected: tuple) -> None:
    assert parse_deadline(text) == expected


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(5.0, "working_days", "5 ngày làm việc"), (1.5, "working_days", "1,5 ngày làm việc"),
     (None, "same_day", "Trong ngày"), (15.0, "calendar_days", "15 ngày"), (3.0, "working_hours", "3 giờ làm việc"),
     (None, None, "")],
)
def test_format_deadline(value, unit, shown) -> None:
    assert format_deadline(value, unit) == shown


def test_check_deadline_accepts_clerk_values_and_drops_same_day_value() -> None:
    assert check_deadline(4, "working_days") == (4.0, "working_days")
    assert check_deadline(9, "same_day") == (None, "same_day")


@pytest.mark.parametrize(("value", "unit"), [(0, "working_days"), (-1, "working_hours"), (None, "calendar_days"),
                                             (5, "weeks"), (5, None)])
def test_check_deadline_refuses_bad_values_in_vietnamese(value, unit) -> None:
    with pytest.raises(UserError) as caught:
        check_deadline(value, unit)
    assert "Thời hạn" in str(caught.value) or "Đơn vị thời hạn" in str(caught.value)
