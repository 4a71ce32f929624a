"""The dossier list as an Excel sheet: exactly the rows the list's filters give (issue #14)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from models.dossier import CHANNELS, STATES, Dossier
from models.dossier_fees import fee_text
from models.settings import UnitSettings
from output.files import write_through_temp

COLUMNS = ["STT", "Mã hồ sơ", "Người nộp", "Số căn cước", "Điện thoại", "Thủ tục", "Lĩnh vực", "Trạng thái",
           "Kênh nộp", "Tiếp nhận", "Hạn trả", "Phí, lệ phí"]
WIDTHS = [6, 28, 26, 16, 14, 40, 18, 24, 16, 17, 17, 26]
_FILTER_NAMES = {"state": "trạng thái", "field": "lĩnh vực", "channel": "kênh", "received_from": "nhận từ",
                 "received_to": "nhận đến", "overdue": "quá hạn", "due_today": "đến hạn hôm nay",
                 "due_this_week": "đến hạn tuần này", "search": "tìm", "unpaid": "chưa thu phí"}


def _safe(value: object) -> object:
    """Text a spreadsheet would run as a formula ('=…', '+…', '-…', '@…') is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def filters_line(filters: dict) -> str:
    parts = []
    for key, value in filters.items():
        if value in (None, False, "", ()):
            continue
        if key == "state":
            value = STATES.get(str(value), value)
        elif key == "channel":
            value = CHANNELS.get(str(value), value)
        elif hasattr(value, "strftime"):
            value = f"{value:%d/%m/%Y}"
        parts.append(_FILTER_NAMES.get(key, key) if value is True else f"{_FILTER_NAMES.get(key, key)}: {value}")
    return "Lọc: " + "; ".join(parts) if parts else "Không lọc: mọi hồ sơ"


def write_dossier_list(path: Path, dossiers: list[Dossier], settings: UnitSettings, filters: dict,
                       now: datetime | None = None) -> int:
    """Write the rows (as the signed-in user may see them: căn cước masked without VIEW_FULL_ID)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    now = now or datetime.now()

    def write(target: Path) -> int:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Danh sách hồ sơ"
        sheet.append([settings.unit_name])
        sheet.append([f"DANH SÁCH HỒ SƠ – xuất lúc {now:%H:%M %d/%m/%Y}, {len(dossiers)} hồ sơ"])
        sheet.append([filters_line(filters)])
        sheet.append(COLUMNS)
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        sheet["A2"].font = Font(bold=True, size=13)
        for number, d in enumerate(dossiers, start=1):
            sheet.append([_safe(v) for v in (
                number, d.code, d.applicant.display_name, d.applicant.cccd, d.applicant.phone,
                f"{d.procedure_name} ({d.procedure_code})", d.field, d.state_label, d.channel_label,
                f"{d.received_at:%H:%M %d/%m/%Y}", f"{d.due_at:%H:%M %d/%m/%Y}",
                fee_text(d.fee_amount, d.fee_receipt, d.fee_required))])
        for index, width in enumerate(WIDTHS):
            sheet.column_dimensions[chr(ord("A") + index)].width = width
        sheet.freeze_panes = "C5"
        workbook.save(target)
        return len(dossiers)

    return write_through_temp(path, write)
