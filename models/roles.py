"""Clerks' roles and what each may do; who may move a dossier to which state; masked căn cước numbers.

The split of work follows the issue ("rõ người, rõ việc, rõ trách nhiệm") and common one-stop practice
(Nghị định 61/2018 and 118/2025 as practised; the exact split is a unit-practice ASSUMPTION, kept in
this one table so a unit that works otherwise changes it here):

- clerk (công chức tiếp nhận và trả kết quả): receives dossiers, hands them over to the handling office,
  returns results, records a withdrawal and the citizen's rating, prints the forms, attaches scans;
- officer (chuyên viên xử lý): processes (supplement request, wait for fees, result, refusal, stop),
  extends a due date, attaches the result's scan;
- leader (lãnh đạo): approves what officers do (the same processing moves), reads reports, exports
  personal data (the logbook), reads the audit trail, makes backups;
- admin (quản trị): everything, including settings, catalog, accounts and restoring a backup.
"""

from __future__ import annotations

from models.errors import UserError

ROLES: dict[str, str] = {
    "clerk": "Tiếp nhận và trả kết quả",
    "officer": "Chuyên viên xử lý",
    "leader": "Lãnh đạo",
    "admin": "Quản trị",
}

RECEIVE = "receive"                  # tiếp nhận hồ sơ
HANDOVER = "handover"                # chuyển hồ sơ sang xử lý (also after a supplement or fee arrived)
PROCESS = "process"                  # xử lý: bổ sung, nghĩa vụ tài chính, có kết quả, từ chối, dừng, gia hạn
RETURN = "return"                    # trả kết quả, ghi công dân rút hồ sơ
RATE = "rate"                        # ghi đánh giá của người dân
ATTACH = "attach"                    # đính kèm bản số hóa
PRINT_FORMS = "print_forms"          # in giấy tiếp nhận và các phiếu
VIEW_DOSSIERS = "view_dossiers"      # xem danh sách, chi tiết hồ sơ
VIEW_FULL_ID = "view_full_id"        # xem đủ số căn cước (không che)
EDIT_CATALOG = "edit_catalog"
EDIT_SETTINGS = "edit_settings"      # cài đặt đơn vị, lịch, quy tắc hồ sơ, đăng ký đồng bộ
VIEW_REPORTS = "view_reports"        # số liệu báo cáo (không có dữ liệu cá nhân)
EXPORT_PERSONAL = "export_personal"  # xuất dữ liệu cá nhân (sổ theo dõi, nhật ký): được ghi lại
MANAGE_ACCOUNTS = "manage_accounts"
BACKUP = "backup"
RESTORE = "restore"
SYNC = "sync"
AUDIT = "audit"
UNDO_ANY_MOVE = "undo_any_move"      # hoàn tác bước chuyển của bất kỳ ai, bất cứ lúc nào (lãnh đạo)

PERMISSIONS: dict[str, str] = {
    RECEIVE: "tiếp nhận hồ sơ",
    HANDOVER: "chuyển hồ sơ sang xử lý",
    PROCESS: "xử lý hồ sơ",
    RETURN: "trả kết quả, ghi rút hồ sơ",
    RATE: "ghi đánh giá của người dân",
    ATTACH: "đính kèm bản số hóa",
    PRINT_FORMS: "in giấy tờ của hồ sơ",
    VIEW_DOSSIERS: "xem hồ sơ",
    VIEW_FULL_ID: "xem đủ số căn cước",
    EDIT_CATALOG: "sửa danh mục thủ tục",
    EDIT_SETTINGS: "sửa cài đặt",
    VIEW_REPORTS: "xem báo cáo",
    EXPORT_PERSONAL: "xuất dữ liệu cá nhân",
    MANAGE_ACCOUNTS: "quản lý tài khoản",
    BACKUP: "sao lưu",
    RESTORE: "khôi phục từ bản sao lưu",
    SYNC: "đồng bộ",
    AUDIT: "xem nhật ký thao tác",
    UNDO_ANY_MOVE: "hoàn tác bước chuyển trạng thái của người khác",
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "clerk": frozenset({RECEIVE, HANDOVER, RETURN, RATE, ATTACH, PRINT_FORMS, VIEW_DOSSIERS, VIEW_FULL_ID, SYNC}),
    "officer": frozenset({HANDOVER, PROCESS, ATTACH, PRINT_FORMS, VIEW_DOSSIERS, VIEW_FULL_ID, SYNC}),
    "leader": frozenset({HANDOVER, PROCESS, PRINT_FORMS, VIEW_DOSSIERS, VIEW_REPORTS, EXPORT_PERSONAL, BACKUP,
                         SYNC, AUDIT, UNDO_ANY_MOVE}),
    "admin": frozenset(PERMISSIONS),
}

# Who may move a dossier INTO a state (models.dossier.MOVES still says which moves exist at all).
# Into dang_xu_ly is the hand-over to the handling office: first from the counter, and again when the
# citizen's supplement or the fee receipt arrives there (assumption: both come in at the counter).
MOVE_PERMISSIONS: dict[str, str] = {
    "dang_xu_ly": HANDOVER,
    "cho_bo_sung": PROCESS,
    "cho_nghia_vu_tai_chinh": PROCESS,
    "co_ket_qua": PROCESS,
    "tu_choi": PROCESS,
    "dung_giai_quyet": PROCESS,
    "da_tra": RETURN,
    "rut_ho_so": RETURN,
}


def role_label(role: str) -> str:
    return ROLES.get(role, role)


def check_role(role: str) -> str:
    role = (role or "").strip()
    if role not in ROLES:
        raise UserError(f"Vai trò không hợp lệ: '{role}' (chọn một trong: {', '.join(ROLES)}).")
    return role


def has_permission(role: str | None, permission: str) -> bool:
    return permission in ROLE_PERMISSIONS.get(role or "", frozenset())


# A refusal at the counter (tiep_nhan -> tu_choi, Mẫu 03: "từ chối tiếp nhận") is the receiving clerk's
# act (shared/domain.md, Mẫu 03) as well as the processing side's; after the hand-over only the
# processing side refuses (the notice that the dossier does not meet the conditions).
COUNTER_MOVES: dict[tuple[str, str], str] = {("tiep_nhan", "tu_choi"): RECEIVE}


def move_permission(target_state: str) -> str:
    """The permission a move into `target_state` needs (PROCESS for a state not listed)."""
    return MOVE_PERMISSIONS.get(target_state, PROCESS)


def counter_permission(from_state: str, target_state: str) -> str | None:
    """The counter's permission that also allows this move (COUNTER_MOVES), if any."""
    return COUNTER_MOVES.get((from_state, target_state))


def mask_cccd(number: str) -> str:
    """'001203004567' -> '001******567': the province code and the last three digits stay, so a clerk
    can tell two people apart on a list without the list giving anyone the whole number.

    Anything that is not a 12-digit number (an old 9-digit CMND, a typo) keeps at most its last three
    characters; an empty value stays empty.
    """
    text = (number or "").strip()
    if not text:
        return ""
    if len(text) == 12 and text.isdigit():
        return f"{text[:3]}******{text[-3:]}"
    return "*" * max(len(text) - 3, 3) + text[-3:] if len(text) > 3 else "*" * len(text)
