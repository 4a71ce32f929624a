"""User-facing Vietnamese texts shared by several screens, in one place to review and change."""

APP_TITLE = "MotCua – Bộ phận một cửa"

# Navigation areas: (key, label, shortcut). Screens are filled in by their own modules.
AREAS = [
    ("reception", "Tiếp nhận hồ sơ", "Ctrl+1"),
    ("dossiers", "Hồ sơ", "Ctrl+2"),
    ("catalog", "Danh mục TTHC", "Ctrl+3"),
    ("posting", "In niêm yết", "Ctrl+4"),
    ("reports", "Báo cáo", "Ctrl+5"),
    ("sync", "Đồng bộ", "Ctrl+6"),
    ("settings", "Cài đặt", "Ctrl+7"),
]

OK = "Đồng ý"
CANCEL = "Hủy"
SAVE = "Lưu"
CLOSE = "Đóng"
SKIP = "Bỏ qua"
YES = "Có"
NO = "Không"
ERROR_TITLE = "Không thực hiện được"
SYNC_NEVER = "Chưa đồng bộ lần nào"


def pending_text(count: int) -> str:
    return f"Chờ đồng bộ: {count}"
