"""Citizens' satisfaction ratings: recorded when the result is returned, one per dossier, with its event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from db.dossier_queries import require_dossier
from db.events import acting_username, record_event
from db.rows import scalar
from models.dossier import iso, state_label
from models.dossier_clock import check_not_future, local_naive, now_local
from models.errors import UserError
from models.report_rules import MAX_RATING_COMMENT, RATINGS, check_rating
from models.roles import RATE
from models.session import require
from models.text import clean_text

# A rating judges a service that was delivered: the result is ready or returned, or the dossier ended.
RATABLE_STATES = ("co_ket_qua", "da_tra", "tu_choi", "rut_ho_so", "dung_giai_quyet")
ENTITY = "rating"


@dataclass(frozen=True)
class Rating:
    dossier_uuid: str
    dossier_code: str
    field: str
    rating: str
    comment: str
    at: datetime
    actor: str

    @property
    def label(self) -> str:
        return RATINGS[self.rating]

    def to_dict(self) -> dict:
        return {"code": self.dossier_code, "uuid": self.dossier_uuid, "field": self.field, "rating": self.rating,
                "rating_label": self.label, "comment": self.comment, "at": iso(self.at), "actor": self.actor}


_COLUMNS = "dossier_uuid, dossier_code, field, rating, comment, at, actor"


def _row(row: dict) -> Rating:
    """A row of `ratings` read by name (sqlite-utils' db.query)."""
    return Rating(**{**row, "at": datetime.fromisoformat(row["at"])})


def get_rating(db: Database, code: str) -> Rating | None:
    """The dossier's rating, or None (UserError when there is no such dossier)."""
    dossier = require_dossier(db, code)
    row = next(db.query(f"SELECT {_COLUMNS} FROM ratings WHERE dossier_uuid = ?", [dossier.uuid]), None)
    return _row(row) if row else None


def set_rating(db: Database, code: str, rating: str, comment: str = "", *, at: datetime | None = None,
               actor: str | None = None, now: datetime | None = None) -> Rating:
    """Record (or correct) the citizen's rating of a dossier, in one transaction with its event.

    Only once the service was delivered (RATABLE_STATES): a rating of work still under way would be a
    guess. A corrected rating replaces the earlier one; the events keep both.
    """
    require(RATE, "ghi đánh giá của người dân")
    now = local_naive(now) if now else now_local()
    moment = local_naive(at) if at else now
    check_not_future(moment, now, "Thời điểm đánh giá")
    key = check_rating(rating)
    comment = clean_text(comment)
    if len(comment) > MAX_RATING_COMMENT:
        raise UserError(f"Ý kiến quá dài ({len(comment)} ký tự, tối đa {MAX_RATING_COMMENT}).")
    actor = actor or acting_username()
    with db.atomic():
        dossier = require_dossier(db, code)
        if dossier.state not in RATABLE_STATES:
            raise UserError(f"Hồ sơ {dossier.code} đang ở trạng thái '{state_label(dossier.state)}': chỉ ghi "
                            "đánh giá khi đã có kết quả, đã trả kết quả hoặc hồ sơ đã kết thúc.")
        if moment < dossier.received_at:
            raise UserError(f"Thời điểm đánh giá ({moment:%H:%M %d/%m/%Y}) trước lúc tiếp nhận hồ sơ "
                            f"({dossier.received_at:%H:%M %d/%m/%Y}).")
        previous = scalar(db, "SELECT rating FROM ratings WHERE dossier_uuid = ?", [dossier.uuid])
        db.execute(
            f"INSERT INTO ratings ({_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(dossier_uuid) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, "
            "at = excluded.at, actor = excluded.actor, updated_at = excluded.updated_at",
            [dossier.uuid, dossier.code, dossier.field, key, comment, iso(moment), actor, iso(now)])
        payload = {"code": dossier.code, "field": dossier.field, "rating": key, "comment": comment,
                   "at": iso(moment), "previous": previous}
        record_event(db, entity=ENTITY, entity_id=dossier.uuid, action="set", payload=payload, actor=actor,
                     at=moment.astimezone())
    return Rating(dossier.uuid, dossier.code, dossier.field, key, comment, moment, actor)


def apply_rating_events(db: Database, dossier_uuid: str, events: list[dict]) -> int:
    """Rebuild a dossier's rating from its 'rating' events (sorted), as sync's appliers do: the last
    one wins. Returns 0 (no conflicts): a sync engineer can add it to sync.projection.APPLIERS."""
    sets = [event for event in events if event["action"] == "set"]
    if not sets:
        return 0
    last = sets[-1]
    p = last["payload"]
    db.execute(
        f"INSERT INTO ratings ({_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(dossier_uuid) DO UPDATE SET rating = excluded.rating, comment = excluded.comment, "
        "at = excluded.at, actor = excluded.actor, updated_at = excluded.updated_at "
        "WHERE ratings.rating != excluded.rating OR ratings.comment != excluded.comment OR ratings.at != excluded.at",
        [dossier_uuid, p["code"], p.get("field", ""), p["rating"], p.get("comment", ""), p["at"], last["actor"],
         now_local().isoformat()])
    return 0
