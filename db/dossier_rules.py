"""The unit's dossier rules, stored under the key 'dossier_rules' of the `settings` table (JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from sqlite_utils import Database

from db.events import record_event
from db.rows import scalar
from models.dossier_forms import BY_DATE
from models.dossier_forms import form_set as find_form_set
from models.errors import UserError
from models.text import MAX_LONG_TEXT, check_length, clean_text

_KEY = "dossier_rules"


@dataclass(frozen=True)
class DossierRules:
    """Unit-level choices for dossiers (shared/domain.md keeps them settings, with these defaults).

    restart_full_time_on_resume: after a supplement the full processing time counts again from the
      day the papers arrive, instead of moving the due date by the waited working time (default off).
    form_set: a set of forms the unit pins (models.dossier_forms.FORM_SETS); '' = each act's date picks
      its set (the 2025 forms from 15/09/2025, shared/domain.md).
    result_place: where the result is collected, printed on Mẫu 01 ('' = the unit's one-stop desk).
    author_undo_same_day: the person who moved a dossier may take the move back on the same working day
      (models.dossier_undo; issue #14 asks for it as a setting, default on); leaders always may.
    extension_margin_days: an extension (Mẫu 04) must be asked at least this many working days before the
      due moment ("chậm nhất 01 ngày làm việc trước hạn", restated in 2025 provincial rules: verify).
    """

    restart_full_time_on_resume: bool = False
    form_set: str = BY_DATE
    result_place: str = ""
    author_undo_same_day: bool = True
    extension_margin_days: int = 1

    def validate(self) -> None:
        if self.form_set:
            find_form_set(self.form_set)
        if not isinstance(self.extension_margin_days, int) or not 0 <= self.extension_margin_days <= 30:
            raise UserError("Số ngày làm việc tối thiểu trước hạn để gia hạn phải từ 0 đến 30.")


def load_dossier_rules(db: Database) -> DossierRules:
    value = scalar(db, "SELECT value FROM settings WHERE key = ?", [_KEY])
    if value is None:
        return DossierRules()
    known = {f.name for f in fields(DossierRules)}
    return DossierRules(**{k: v for k, v in json.loads(value).items() if k in known})


def save_dossier_rules(db: Database, rules: DossierRules, actor: str | None = None) -> DossierRules:
    """Validate and store with its event, in one transaction."""
    from models.roles import EDIT_SETTINGS
    from models.session import require

    require(EDIT_SETTINGS, "sửa quy tắc hồ sơ của đơn vị")
    rules = DossierRules(restart_full_time_on_resume=bool(rules.restart_full_time_on_resume),
                         form_set=clean_text(rules.form_set), result_place=check_length(clean_text(rules.result_place), MAX_LONG_TEXT,
                                                                    "Nơi trả kết quả"),
                         extension_margin_days=rules.extension_margin_days,
                         author_undo_same_day=bool(rules.author_undo_same_day))
    rules.validate()
    data = asdict(rules)
    with db.atomic():
        db.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   [_KEY, json.dumps(data, ensure_ascii=False)])
        record_event(db, entity="settings", entity_id=_KEY, action="update", payload=data, actor=actor)
    return rules
