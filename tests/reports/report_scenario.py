"""Dossiers around Tết 2026 built through the dossier layer, with the answers worked out by hand."""

# Tết 2026 is off from Mon 16/02 to Fri 20/02 (weekends 14–15/02 and 21–22/02), so 13/02 + 1 working day
# is 23/02. Office hours 07:30–11:30, 13:30–17:00 (7.5 h a day). Every due moment below was counted by
# hand on that calendar and is checked against what the dossier layer stored; the verdicts (early / on
# time / late) are written by hand from shared/domain.md and QĐ 766 (more than one supplement request,
# or an extension, makes a dossier late). The expected figures are counted from these facts alone, never
# with models/report_rules.py.

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from db.attachments import attach_file
from db.dossier_store import extend_dossier, move_dossier, receive_dossier
from db.ratings import set_rating
from models.dossier import REASON_REQUIRED
from models.dossier_applicant import make_applicant

NOW = datetime(2026, 3, 20, 10, 0)  # a Friday
FEBRUARY = (date(2026, 2, 1), date(2026, 2, 28))
FEBRUARY_END = datetime(2026, 3, 1, 0, 0)
QUARTER = (date(2026, 1, 1), date(2026, 3, 31))
FIELD = {"1.004873": "Hộ tịch", "1.004884": "Hộ tịch", "1.004222": "Cư trú", "1.004194": "Cư trú",
         "2.001019": "Chứng thực", "2.000815": "Chứng thực"}
ONLINE = {"truc_tuyen", "ho_tro_truc_tuyen"}


def at(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute)


@dataclass
class Case:
    key: str
    name: str
    procedure: str
    channel: str
    received: datetime
    due: datetime  # the final due moment, counted by hand
    steps: list[tuple[str, datetime]]  # ('dang_xu_ly', moment) …; ('extend', moment) = 2 working days
    finished: datetime | None = None  # the result was ready (co_ket_qua)
    verdict: str | None = None  # by hand: 'truoc_han', 'dung_han', 'qua_han'
    ended: tuple[str, datetime] | None = None  # refused / withdrawn / stopped, and when
    returned: datetime | None = None
    paused_since: datetime | None = None  # still waiting for the citizen at NOW
    attach: tuple[str, ...] = ()
    rating: tuple[str, datetime] | None = None
    code: str = field(default="", init=False)

    @property
    def field(self) -> str:
        return FIELD[self.procedure]


def cases() -> list[Case]:
    return [
        # Received on Friday before Tết, 3 working days: 23, 24, 25/02. Ready on the 24th: early.
        Case("A", "Nguyễn Thị Ánh", "1.004873", "truc_tuyen", at(13, 2, 10), at(25, 2, 10),
             [("dang_xu_ly", at(13, 2, 14)), ("co_ket_qua", at(24, 2, 9)), ("da_tra", at(24, 2, 15))],
             finished=at(24, 2, 9), verdict="truoc_han", returned=at(24, 2, 15), attach=("ho_so", "ket_qua"),
             rating=("hai_long", at(24, 2, 15))),
        # 2 working days from Thu 12/02 08:00: Fri 13/02, then Mon 23/02 08:00. Ready 07:45 that day.
        Case("B", "Trần Văn Bình", "2.001019", "truc_tiep", at(12, 2, 8), at(23, 2, 8),
             [("dang_xu_ly", at(12, 2, 9)), ("co_ket_qua", at(23, 2, 7, 45)), ("da_tra", at(23, 2, 9))],
             finished=at(23, 2, 7, 45), verdict="dung_han", returned=at(23, 2, 9), attach=("ho_so",),
             rating=("binh_thuong", at(23, 2, 9))),
        # 2 working days from Fri 13/02 10:00: Mon 23/02, Tue 24/02 10:00. Ready 10:30: late.
        Case("C", "Lê Thị Cúc", "2.001019", "ho_tro_truc_tuyen", at(13, 2, 10, 30), at(24, 2, 10, 30),
             [("dang_xu_ly", at(13, 2, 14)), ("co_ket_qua", at(24, 2, 11)), ("da_tra", at(25, 2, 8))],
             finished=at(24, 2, 11), verdict="qua_han", returned=at(25, 2, 8), attach=("ket_qua",),
             rating=("khong_hai_long", at(25, 2, 8))),
        # 5 working days: Mon 09/02 08:00; paused Tue 03/02 10:00 – Thu 05/02 10:00 = 5 + 7.5 + 2.5 = 15 h,
        # so due Wed 11/02 08:00. Ready Tue 10/02 16:00: early (it would be late without the pause).
        Case("D", "Phạm Minh Đức", "1.004884", "truc_tiep", at(2, 2, 8), at(11, 2, 8),
             [("dang_xu_ly", at(2, 2, 9)), ("cho_bo_sung", at(3, 2, 10)), ("dang_xu_ly", at(5, 2, 10)),
              ("co_ket_qua", at(10, 2, 16)), ("da_tra", at(11, 2, 8))],
             finished=at(10, 2, 16), verdict="truoc_han", returned=at(11, 2, 8)),
        # 7 working days: Wed 11/02 09:00; two pauses of 4 h and 2 h: 11/02 17:00. Ready on 05/02, long
        # before, but two supplement requests make it late (QĐ 766).
        Case("E", "Hoàng Văn Em", "1.004222", "truc_tuyen", at(2, 2, 9), at(11, 2, 17),
             [("dang_xu_ly", at(2, 2, 10)), ("cho_bo_sung", at(3, 2, 8)), ("dang_xu_ly", at(3, 2, 14)),
              ("cho_bo_sung", at(4, 2, 8)), ("dang_xu_ly", at(4, 2, 10)), ("co_ket_qua", at(5, 2, 10)),
              ("da_tra", at(6, 2, 8))],
             finished=at(5, 2, 10), verdict="qua_han", returned=at(6, 2, 8)),
        # Withdrawn by the citizen.
        Case("F", "Vũ Thị Phương", "1.004194", "truc_tiep", at(3, 2, 8), at(6, 2, 8),
             [("dang_xu_ly", at(3, 2, 9)), ("rut_ho_so", at(4, 2, 9))], ended=("rut_ho_so", at(4, 2, 9))),
        # Refused at once; the citizen was not satisfied.
        Case("G", "Đặng Văn Giang", "1.004873", "buu_chinh", at(4, 2, 8), at(9, 2, 8),
             [("tu_choi", at(4, 2, 10))], ended=("tu_choi", at(4, 2, 10)),
             rating=("khong_hai_long", at(4, 2, 10, 30))),
        # 7 working days: 06, 09–13/02, then Tết, so Mon 23/02 08:00. Stopped while waiting for fees.
        Case("H", "Bùi Thị Hạnh", "1.004222", "truc_tiep", at(5, 2, 8), at(23, 2, 8),
             [("dang_xu_ly", at(5, 2, 9)), ("cho_nghia_vu_tai_chinh", at(6, 2, 9)),
              ("dung_giai_quyet", at(10, 2, 9))], ended=("dung_giai_quyet", at(10, 2, 9))),
        # Received in January, 5 working days: Thu 05/02 08:00; ready exactly then: on time.
        Case("I", "Đỗ Văn Ích", "1.004884", "truc_tiep", at(29, 1, 8), at(5, 2, 8),
             [("dang_xu_ly", at(29, 1, 9)), ("co_ket_qua", at(5, 2, 8)), ("da_tra", at(5, 2, 10))],
             finished=at(5, 2, 8), verdict="dung_han", returned=at(5, 2, 10)),
        # Received in February, ready in March, late: in progress and overdue at the end of February.
        Case("J", "Hồ Thị Kim", "2.001019", "truc_tiep", at(23, 2, 8), at(25, 2, 8),
             [("dang_xu_ly", at(23, 2, 9)), ("co_ket_qua", at(2, 3, 9))], finished=at(2, 3, 9), verdict="qua_han"),
        # Still being processed, due Fri 27/02 08:00: overdue at the end of February and now.
        Case("K", "Ngô Văn Lâm", "1.004194", "truc_tuyen", at(24, 2, 8), at(27, 2, 8), [("dang_xu_ly", at(24, 2, 9))]),
        # Waiting for the citizen since 26/02: due Mon 02/03 08:00 has passed but a paused dossier is not overdue.
        Case("L", "Dương Thị Mai", "1.004873", "truc_tiep", at(25, 2, 8), at(2, 3, 8),
             [("dang_xu_ly", at(25, 2, 9)), ("cho_bo_sung", at(26, 2, 9))], paused_since=at(26, 2, 9)),
        # Received on Wed 18/03: 19, 20, 23/03 08:00: due within 2 working days of now (Tue 24/03 10:00).
        Case("M", "Lý Văn Nam", "1.004194", "truc_tiep", at(18, 3, 8), at(23, 3, 8), []),
        # Online on Saturday 21/02 20:00: the count starts Mon 23/02 07:30, due Thu 26/02 07:30, ready then.
        Case("N", "Trịnh Thị Oanh", "1.004873", "truc_tuyen", at(21, 2, 20), at(26, 2, 7, 30),
             [("dang_xu_ly", at(23, 2, 8)), ("co_ket_qua", at(26, 2, 7, 30)), ("da_tra", at(27, 2, 8))],
             finished=at(26, 2, 7, 30), verdict="dung_han", returned=at(27, 2, 8), attach=("ho_so", "ket_qua"),
             rating=("hai_long", at(27, 2, 8))),
        # Online during Tết, "trong ngày": the close of the next working day, Mon 23/02 17:00.
        Case("O", "Cao Văn Phúc", "2.000815", "truc_tuyen", at(17, 2, 9), at(23, 2, 17),
             [("dang_xu_ly", at(23, 2, 8)), ("co_ket_qua", at(23, 2, 16)), ("da_tra", at(23, 2, 16, 30))],
             finished=at(23, 2, 16), verdict="dung_han", returned=at(23, 2, 16, 30)),
        # Due Thu 12/02 08:00, extended by 2 working days (15 h: Thu 7 h, Fri 7.5 h, Mon 23/02 0.5 h) to
        # 23/02 08:00; ready Fri 13/02 before that, still late: an extension counts as late.
        Case("P", "Mai Văn Quý", "1.004194", "truc_tiep", at(9, 2, 8), at(23, 2, 8),
             [("dang_xu_ly", at(9, 2, 9)), ("extend", at(10, 2, 9)), ("co_ket_qua", at(13, 2, 10)),
              ("da_tra", at(13, 2, 11))],
             finished=at(13, 2, 10), verdict="qua_han", returned=at(13, 2, 11)),
    ]


def build(db, data_dir: Path, tmp_path: Path) -> list[Case]:
    """Receive, move, extend, attach and rate every case through the dossier layer."""
    made = cases()
    files = {"ho_so": tmp_path / "giay-to.pdf", "ket_qua": tmp_path / "ket-qua.png"}
    for number, case in enumerate(sorted(made, key=lambda c: c.received)):
        applicant = make_applicant(name=case.name, phone=f"09123456{number:02d}",
                                   address=f"Thôn {number + 1}, xã Mẫu", today=date(2026, 1, 1))
        dossier = receive_dossier(db, procedure_code=case.procedure, applicant=applicant, channel=case.channel,
                                  received_at=case.received, now=NOW)
        case.code = dossier.code
        for step, moment in case.steps:
            if step == "extend":
                extend_dossier(db, case.code, days=2, reason="Chờ xác minh", at=moment, now=NOW)
            else:
                note = "Lý do trong kịch bản" if step in REASON_REQUIRED else ""
                move_dossier(db, case.code, step, at=moment, note=note, now=NOW)
        for kind in case.attach:
            files[kind].write_bytes((b"%PDF-1.4 " if kind == "ho_so" else b"\x89PNG\r\n\x1a\n") + case.code.encode())
            attach_file(db, data_dir, case.code, files[kind], kind=kind, now=NOW)
        if case.rating:
            set_rating(db, case.code, case.rating[0], "Ý kiến của " + case.name, at=case.rating[1], now=NOW)
    return made


# --- the expected figures, counted from the facts above --------------------------------------------


def _within(moment: datetime | None, start: date, end: date) -> bool:
    return moment is not None and start <= moment.date() <= end


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def expected(made: list[Case], start: date, end: date, moment: datetime, field: str | None = None) -> dict:
    """The figures of one period (one field, or all) from the hand-written facts, the portal's way
    (shared/domain.md, "The 766 index"): every procedure here has a paper result (the catalog default)."""
    chosen = [c for c in made if field is None or c.field == field]
    first = datetime.combine(start, datetime.min.time())

    def done_at(c: Case) -> datetime | None:
        return c.finished or (c.ended[1] if c.ended else None)

    received = [c for c in chosen if _within(c.received, start, end)]
    carried = [c for c in chosen if c.received < first and (done_at(c) is None or done_at(c) >= first)]
    resolved = [c for c in chosen if _within(c.finished, start, end)]
    open_then = [c for c in chosen if c.received < moment and (done_at(c) is None or done_at(c) >= moment)]
    overdue = [c for c in open_then if c.due < moment and not (c.paused_since and c.paused_since <= moment)]
    ended_cases = [c for c in chosen if c.ended and _within(c.ended[1], start, end)]
    ended = {kind: len([c for c in ended_cases if c.ended[0] == kind]) for kind in ("tu_choi", "rut_ho_so",
                                                                                   "dung_giai_quyet")}
    rated = [c for c in chosen if c.rating and _within(c.rating[1], start, end)]
    votes = {kind: len([c for c in rated if c.rating[0] == kind]) for kind in ("hai_long", "binh_thuong",
                                                                               "khong_hai_long")}
    verdicts = {kind: len([c for c in resolved if c.verdict == kind]) for kind in ("truoc_han", "dung_han", "qua_han")}

    def clean(c: Case) -> bool:  # at most one supplement request and no extension
        return sum(step == "cho_bo_sung" for step, _ in c.steps) <= 1 and all(step != "extend" for step, _ in c.steps)

    timely = verdicts["truoc_han"] + verdicts["dung_han"]
    timely += len([c for c in ended_cases if clean(c) and c.ended[1] <= c.due])
    timely += len([c for c in open_then if clean(c) and ((c.paused_since or moment) <= c.due)])
    population = len(carried) + len(received)
    digitised = len([c for c in carried + received if {"ho_so", "ket_qua"} <= set(c.attach)])
    late_share = _share(population - timely, population)
    unsatisfied = _share(votes["khong_hai_long"], population)
    return {
        "carried_over": len(carried), "received": len(received),
        "received_by_channel": {"truc_tiep": len([c for c in received if c.channel == "truc_tiep"]),
                                "truc_tuyen": len([c for c in received if c.channel in ONLINE]),
                                "buu_chinh": len([c for c in received if c.channel == "buu_chinh"])},
        "resolved": len(resolved), "early": verdicts["truoc_han"],
        "on_time": verdicts["dung_han"], "late": verdicts["qua_han"], "in_progress": len(open_then),
        "overdue": len(overdue), "in_progress_within_time": len(open_then) - len(overdue),
        "refused": ended["tu_choi"], "withdrawn": ended["rut_ho_so"],
        "stopped": ended["dung_giai_quyet"], "ended_without_result": len(ended_cases), "timely": timely,
        "digitised": digitised,
        "online_share": _share(len([c for c in received if c.channel in ONLINE and "ket_qua" in c.attach]),
                               len(received)),
        "electronic_result_share": _share(len([c for c in resolved if "ket_qua" in c.attach]), len(resolved)),
        "digitised_share": _share(digitised, population),
        "on_time_share": _share(timely, population),
        "resolved_on_time_share": _share(verdicts["truoc_han"] + verdicts["dung_han"], len(resolved)),
        "satisfaction_rate": None if late_share is None else max(0.0, 1 - late_share - unsatisfied),
        "satisfied_share": _share(votes["hai_long"], sum(votes.values())),
        "ratings": votes, "balance_holds": population == len(resolved) + len(ended_cases) + len(open_then),
    }
