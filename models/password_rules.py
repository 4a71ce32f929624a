"""Which passwords are refused: too short, too long, or easy to guess (common, trivial, the user's name).

Guessability is zxcvbn's estimate (Dropbox's algorithm, the maintained Python port): it knows the common
passwords of the leaked lists, keyboard walks, repeats, sequences, dates and l33t spellings, which a
bundled list of common passwords alone would not. It knows English, so the Vietnamese words people build
passwords from (mật khẩu, quản trị, anh yêu em, the unit, common family names) are given to it as words
to penalise, with the user's own names. Score 3 is zxcvbn's "safely unguessable" (about 10^8 guesses):
a password hash that left the PC in a backup is not found in minutes.
"""

from __future__ import annotations

from models.errors import UserError
from models.text import fold

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
MIN_SCORE = 3
_SCORED_PREFIX = 100  # zxcvbn's cost grows with length; a longer password is not weaker for it

VIETNAMESE_WORDS = (
    "matkhau", "matkhaumoi", "motcua", "quantri", "quantrivien", "admin", "xinchao", "anhyeuem", "emyeuanh",
    "yeuem", "yeuanh", "vietnam", "hanoi", "saigon", "hochiminh", "danang", "ubnd", "uyban", "phuong", "tiepnhan",
    "hoso", "canbo", "congchuc", "nguyen", "tran", "pham", "hoang", "huynh", "phan", "dang", "bui", "duong",
    "ngo", "trinh", "dinh", "vo", "lam", "truong", "minh", "thanh", "huong", "linh", "ngoc", "trang", "anh",
)

_WHY = {
    "dictionary": "giống một mật khẩu phổ biến, một từ thông dụng hoặc tên người dùng",
    "spatial": "là các phím liền nhau trên bàn phím",
    "repeat": "có ký tự hoặc cụm lặp lại",
    "sequence": "là một dãy liền nhau (1234, abcd)",
    "regex": "là một năm hoặc dãy số dễ đoán",
    "date": "là một ngày tháng",
    "bruteforce": "quá ngắn so với độ đa dạng ký tự",
}


def password_problem(password: str, user_words: tuple[str, ...] = ()) -> str:
    """'' when `password` may be used, else why not (one Vietnamese sentence)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Mật khẩu quá dài (tối đa {MAX_PASSWORD_LENGTH} ký tự)."
    if not password.strip():
        return "Mật khẩu không được chỉ có dấu cách."
    from zxcvbn import zxcvbn

    words = [w for word in user_words for w in fold(word).replace("-", " ").split() if len(w) > 1]
    words += [fold(word).replace(" ", "") for word in user_words if word]
    result = zxcvbn(password[:_SCORED_PREFIX], user_inputs=list(VIETNAMESE_WORDS) + words)
    if result["score"] >= MIN_SCORE:
        return ""
    patterns = [match.get("pattern") for match in result.get("sequence", []) if match.get("pattern") in _WHY]
    weakest = next((p for p in patterns if p != "bruteforce"), patterns[0] if patterns else "bruteforce")
    return (f"Mật khẩu quá dễ đoán ({_WHY[weakest]}). Hãy dùng một cụm ba, bốn từ nối bằng dấu gạch, "
            "ví dụ 'lua-chin-dong-xa-2026'.")


def check_password(password: str, user_words: tuple[str, ...] = ()) -> str:
    """`password` when it may be used, else UserError with the reason."""
    problem = password_problem(password, user_words)
    if problem:
        raise UserError(problem)
    return password
