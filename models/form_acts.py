"""Which act a form records, and everything a form prints gathered as plain data (no I/O).

A form is dated on the moment of its act (the receipt, the request, the refusal, the apology, the stop),
never on the day it is printed, and that date picks its form set (shared/domain.md, "Dossiers").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models.dossier import Dossier
from models.dossier_clock import local_naive
from models.dossier_forms import FORM_KINDS, FormSet, form_set_for, resolve_kind
from models.dossier_undo import standing_events
from models.errors import UserError
from models.settings import UnitSettings
from models.text import fold


@dataclass(frozen=True)
class FormInput:
    """What printing/ needs to lay out one form of one dossier."""

    kind: str
    dossier: Dossier
    settings: UnitSettings
    forms: FormSet
    act: dict | None  # the event the form records
    act_at: datetime
    names: dict[str, str] = field(default_factory=dict)  # login -> full name (this PC's accounts)
    reprinted_at: datetime | None = None  # a reprint: printed before, says so with this date
    sample: bool = False  # the procedure comes from the bundled sample catalog: "DỮ LIỆU MẪU"
    result_place: str = ""

    def name_of(self, event: dict | None) -> str:
        """The full name of who did `event` (carried in the event, else this PC's account), or '' (a blank
        to write by hand): never the login name."""
        if not event:
            return ""
        return (event.get("payload") or {}).get("actor_name") or self.names.get(event.get("actor", ""), "")

    @property
    def payload(self) -> dict:
        return (self.act or {}).get("payload") or {}


def _moves(dossier: Dossier, *targets: str) -> list[dict]:
    """The moves into `targets` still in force: a move taken back (models.dossier_undo) prints no form."""
    return [e for e in standing_events(dossier.events) if e["action"] == "move" and e["payload"].get("to") in targets]


def _at(event: dict) -> datetime:
    return local_naive(datetime.fromisoformat(event["at"]))


def find_act(kind: str, dossier: Dossier) -> tuple[dict | None, datetime]:
    """The event form `kind` records and its moment; UserError when the dossier has no such act (no
    Mẫu 02 without a supplement request, Mẫu 03 only for a refusal at the counter…)."""
    code = dossier.code
    if kind in ("tiep_nhan", "kiem_soat"):
        receive = next((e for e in dossier.events if e["action"] == "receive"), None)
        return receive, dossier.received_at
    if kind == "bo_sung":
        moves = _moves(dossier, "cho_bo_sung")
        if not moves:
            raise UserError(f"Hồ sơ {code} chưa từng được yêu cầu bổ sung: không có phiếu yêu cầu bổ sung.")
        return moves[-1], _at(moves[-1])
    if kind in ("tu_choi", "khong_du_dieu_kien"):
        moves = _moves(dossier, "tu_choi")
        if not moves:
            raise UserError(f"Hồ sơ {code} không bị từ chối: không có phiếu từ chối.")
        at_counter = moves[-1]["payload"].get("from") == "tiep_nhan"
        if kind == "tu_choi" and not at_counter:
            raise UserError(f"Hồ sơ {code} bị từ chối sau khi đã tiếp nhận, xử lý: in thông báo hồ sơ không đủ "
                            "điều kiện giải quyết (khong_du_dieu_kien), không in phiếu từ chối tiếp nhận.")
        if kind == "khong_du_dieu_kien" and at_counter:
            raise UserError(f"Hồ sơ {code} bị từ chối ngay khi tiếp nhận: in phiếu từ chối (Mẫu 03).")
        return moves[-1], _at(moves[-1])
    if kind == "xin_loi":
        extends = [e for e in dossier.events if e["action"] == "extend"]
        if not extends:
            raise UserError(f"Hồ sơ {code} chưa được gia hạn: chưa có ngày hẹn mới để in văn bản xin lỗi.")
        return extends[-1], _at(extends[-1])
    if kind == "dung_giai_quyet":
        moves = _moves(dossier, "dung_giai_quyet", "rut_ho_so")
        if not moves:
            raise UserError(f"Hồ sơ {code} không bị dừng giải quyết và công dân không rút: không có thông báo dừng.")
        return moves[-1], _at(moves[-1])
    raise UserError(f"Không có loại phiếu '{kind}' (chọn: {', '.join(FORM_KINDS)}).")


def kind_for(text: str, dossier: Dossier, pinned: str | None) -> str:
    """A kind typed as its name or as its number in the set of the dossier's receipt ('05' is the stop
    notice in the 2025 set, the control sheet in the 2018 set)."""
    name = fold(text).replace(" ", "_").strip("_")
    if name in FORM_KINDS:
        return name
    return resolve_kind(text, form_set_for(dossier.received_at, pinned))


def form_input(kind: str, dossier: Dossier, settings: UnitSettings, *, pinned: str | None = None,
               names: dict[str, str] | None = None, reprinted_at: datetime | None = None, sample: bool = False,
               result_place: str = "") -> FormInput:
    """Gather a form: its act, the set in force on the act's day (or the unit's pinned set)."""
    act, act_at = find_act(kind, dossier)
    forms = form_set_for(act_at, pinned)
    if kind not in forms.numbers:
        raise UserError(f"{forms.basis} (áp dụng cho việc ngày {act_at:%d/%m/%Y}) không có mẫu "
                        f"'{FORM_KINDS[kind]}'.")
    return FormInput(kind=kind, dossier=dossier, settings=settings, forms=forms, act=act, act_at=act_at,
                     names=dict(names or {}), reprinted_at=reprinted_at, sample=sample, result_place=result_place)
