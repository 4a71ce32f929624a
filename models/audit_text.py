"""The audit trail in Vietnamese: each event's action, its subject and its change as readable lines.

The clerk reads "Chuyển trạng thái · Hồ sơ" and "Trạng thái: Mới tiếp nhận → Đang xử lý", never the raw
JSON (which the audit screen keeps one click away for an auditor). Unknown keys still show, with their
own name, so nothing an event carries is hidden.
"""

from __future__ import annotations

import json
from datetime import datetime

from models.dossier import CHANNELS, RESULT_DELIVERY, STATES, TIMELINESS
from models.dossier_undo import UNDO_ACTION, UNDO_LABEL
from models.roles import ROLES

ENTITIES = {"dossier": "Hồ sơ", "settings": "Cài đặt", "calendar": "Lịch làm việc", "procedure": "Thủ tục",
            "account": "Tài khoản", "rating": "Đánh giá", "backup": "Sao lưu", "report": "Báo cáo",
            "audit": "Nhật ký", "sync": "Đồng bộ", "catalog": "Danh mục"}
ACTIONS = {"receive": "Tiếp nhận", "move": "Chuyển trạng thái", UNDO_ACTION: UNDO_LABEL, "extend": "Gia hạn",
           "attach": "Đính kèm tệp", "print": "In giấy tờ", "update": "Sửa", "set": "Đặt", "add": "Thêm",
           "remove": "Xóa", "export": "Xuất dữ liệu", "restore": "Khôi phục", "create": "Tạo",
           "disable": "Khóa", "enable": "Mở khóa", "lock": "Tạm khóa (sai mật khẩu)",
           "change_password": "Đổi mật khẩu", "reset_password": "Đặt lại mật khẩu", "set_role": "Đổi vai trò",
           "recover_own_events": "Khôi phục thao tác sau khi phục hồi", "rate": "Đánh giá"}
FIELDS = {"code": "Mã", "state": "Trạng thái", "note": "Ghi chú", "reason": "Lý do", "due_at": "Hạn trả",
          "due_before": "Hạn trước đó", "received_at": "Tiếp nhận lúc", "procedure_code": "Mã thủ tục",
          "procedure_name": "Thủ tục", "applicant_name": "Người nộp", "organisation": "Tổ chức",
          "cccd": "Số căn cước", "phone": "Điện thoại", "address": "Địa chỉ", "email": "Thư điện tử",
          "channel": "Kênh nộp", "sets": "Số bộ", "field": "Lĩnh vực", "days": "Số ngày", "hours": "Số giờ",
          "form": "Mẫu", "display_name": "Tệp", "kind": "Loại", "unit_name": "Tên đơn vị",
          "unit_code": "Mã đơn vị", "province": "Tỉnh", "district": "Huyện", "dossier_prefix": "Tiền tố mã hồ sơ",
          "qr_template": "Mẫu đường dẫn QR", "morning_start": "Sáng từ", "morning_end": "Sáng đến",
          "afternoon_start": "Chiều từ", "afternoon_end": "Chiều đến", "same_day_cutoff": "Chốt trong ngày",
          "name": "Tên", "deadline_text": "Thời hạn", "full_name": "Họ tên", "role": "Vai trò",
          "rating": "Đánh giá", "comment": "Ý kiến", "path": "Tệp", "rows": "Số dòng", "timeliness": "Kết quả",
          "fee_amount": "Phí, lệ phí đã thu", "fee_receipt": "Số biên lai", "minutes": "Số phút",
          "failed_attempts": "Số lần sai", "logbook": "Sổ theo dõi", "waited_hours": "Số giờ chờ",
          # issue #12: what the 2025 forms print
          "items": "Nội dung cần bổ sung", "handover": "Giao nhận", "delegate": "Người được ủy quyền",
          "result_delivery": "Nhận kết quả", "needs_verification": "Cần xác minh",
          "deciding_agency": "Cơ quan thực hiện", "cooperating_agency": "Cơ quan phối hợp",
          "first_due_at": "Hẹn trả lần đầu", "verification_text": "Thời hạn cần xác minh",
          "sample": "Dữ liệu mẫu", "place_name": "Địa danh", "one_stop_body": "Bộ phận một cửa",
          "head_title": "Chức vụ người đứng đầu", "head_name": "Người đứng đầu", "office_phone": "Điện thoại một cửa",
          "complaints_address": "Địa chỉ phản ánh", "complaints_phone": "Điện thoại phản ánh",
          "publish_decision_number": "Số quyết định công bố", "publish_decision_date": "Ngày quyết định công bố",
          "actor_name": "Họ tên người thực hiện", "from": "giao", "to": "nhận", "account": "tài khoản",
          "agency": "cơ quan", "person": "người"}
# Keys that only repeat what another line says, or are machine detail.
_SKIP = {"uuid", "group_id", "code_day", "station", "day_seq", "search_text", "move_uuid", "replayed",
         "entered_at", "deadline_value", "deadline_unit", "due_source", "state_changed_at", "due_rule",
         "papers", "group_codes", "sha256", "ext", "size", "added_at", "dob", "sex",
         "actor_name"}  # the signer's full name: the actor column names who acted


def entity_label(entity: str) -> str:
    return ENTITIES.get(entity, entity)


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def _value(key: str, value: object) -> str:
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if key in ("state", "from", "to"):
        return STATES.get(str(value), str(value))
    if key == "channel":
        return CHANNELS.get(str(value), str(value))
    if key == "role":
        return ROLES.get(str(value), str(value))
    if key == "timeliness":
        return TIMELINESS.get(str(value), str(value))
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        moment = moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment
        return f"{moment:%H:%M %d/%m/%Y}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if key == "handover" and isinstance(value, dict):
        return f"{_party(value.get('from'))} → {_party(value.get('to'))}"
    if key == "result_delivery":
        return RESULT_DELIVERY.get(str(value), str(value))
    if key == "delegate" and isinstance(value, str) and value.startswith("{"):
        try:
            return str(json.loads(value).get("name") or value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _party(party: object) -> str:
    """'Trần Văn Bảo (Công an xã Hương Mai)' for one side of a hand-over."""
    if not isinstance(party, dict):
        return "(chưa ghi)"
    name, agency = str(party.get("name") or ""), str(party.get("agency") or "")
    return (f"{name} ({agency})" if name and agency else name or agency) or "(chưa ghi)"


def change_lines(action: str, payload: object) -> list[str]:
    """'Trạng thái: Mới tiếp nhận → Đang xử lý', 'Ghi chú: …': one line per fact of the event."""
    if not isinstance(payload, dict):
        return [str(payload)] if payload not in (None, "") else []
    lines = []
    if "from" in payload or "to" in payload:
        lines.append(f"Trạng thái: {_value('from', payload.get('from'))} → {_value('to', payload.get('to'))}")
    for key in ("note", "reason", "comment"):  # the why comes right after the what
        if payload.get(key):
            lines.append(f"{FIELDS[key]}: {_value(key, payload[key])}")
    if action == "receive" and payload.get("papers"):
        lines.append("Giấy tờ: " + "; ".join(f"{p.get('name')} ({p.get('count', 1)})" for p in payload["papers"]
                                             if isinstance(p, dict)))
    # The reason first: it is what the clerk looks for, and the screen shortens long lines.
    ordered = sorted(payload.items(), key=lambda item: item[0] not in ("note", "reason"))
    for key, value in ordered:
        if key in ("from", "to") or key in _SKIP:
            continue
        if key in ("note", "reason", "comment"):
            continue
        lines.append(f"{FIELDS.get(key, key)}: {_value(key, value)}")
    return lines
