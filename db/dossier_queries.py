"""Reading dossiers: one by code with its timeline, and filtered, paged lists for a million rows."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlite_utils import Database

from db.events import events_for
from db.rows import column, scalar
from models.dossier import CLOCK_RUNNING_STATES, Dossier, Paper, check_channel, check_state, iso
from models.dossier_applicant import Applicant, delegate_from_dict
from models.dossier_clock import day_bounds, now_local, week_bounds
from models.errors import UserError
from models.roles import VIEW_DOSSIERS, VIEW_FULL_ID, mask_cccd
from models.session import can, require
from models.text import clean_text, search_words

_COLUMNS = ("id", "uuid", "code", "group_id", "procedure_code", "procedure_name", "field", "deadline_text",
            "deadline_value", "deadline_unit", "channel", "state", "applicant_name", "organisation", "cccd",
            "dob", "sex", "phone", "address", "email", "sets", "note", "logbook", "received_at", "due_at",
            "due_source", "paused_at", "supplement_count", "extension_count", "finished_at", "timeliness",
            "returned_at", "closed_at", "state_changed_at", "delegate", "result_delivery", "needs_verification",
            "deciding_agency", "cooperating_agency", "first_due_at", "fee_required", "fee_amount", "fee_receipt")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM dossiers"
_MOMENTS = ("received_at", "due_at", "paused_at", "finished_at", "returned_at", "closed_at", "state_changed_at",
            "first_due_at")
_RUNNING = "state IN ({})".format(", ".join(f"'{s}'" for s in CLOCK_RUNNING_STATES))
_FTS_MIN = 3  # the trigram tokenizer cannot match shorter strings
MAX_LIMIT = 1000
# Above this many FTS matches a page is found faster by scanning newest first and testing each row.
COMMON_MATCHES = 2000
# A walk of the received_at index for a common word first looks at the newest WALK_WINDOW dossiers
# only: a rare combination ("phan duc so") would otherwise walk the whole table (0.5–0.9 s on a million
# dossiers, bench/bench_dossier_list.py); past the window the FTS matches are sorted instead, unless
# they are so many (HUGE_MATCHES) that walking on is cheaper.
WALK_WINDOW = 20_000
HUGE_MATCHES = 50_000


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def row_to_dossier(row: tuple) -> Dossier:
    v = dict(zip(_COLUMNS, row, strict=True))
    applicant = Applicant(name=v.pop("applicant_name"), organisation=v.pop("organisation"), cccd=v.pop("cccd"),
                          dob=date.fromisoformat(v["dob"]) if v["dob"] else None, sex=v.pop("sex"),
                          phone=v.pop("phone"), address=v.pop("address"), email=v.pop("email"))
    v.pop("dob")
    v["delegate"] = delegate_from_dict(json.loads(v["delegate"])) if v["delegate"] else None
    v["needs_verification"] = bool(v["needs_verification"])
    v["fee_required"] = bool(v["fee_required"])
    for name in _MOMENTS:
        v[name] = _moment(v[name])
    return Dossier(applicant=applicant, **v)


def find_dossier(db: Database, code: str) -> Dossier | None:
    """The stored row only (no papers, events…); None when there is no such code. A code a dossier had
    before two dossiers were found with one code (an alias, sync/same_code.py) finds it too: the citizen
    holds a receipt with it. A code shown by a dossier wins over the same code kept as an alias."""
    code = clean_text(code)
    row = db.execute(_SELECT + " WHERE code = ?", [code]).fetchone()
    if row is None:
        row = db.execute(_SELECT + " WHERE uuid IN (SELECT dossier_uuid FROM dossier_aliases WHERE code = ?) "
                         "ORDER BY received_at, id LIMIT 1", [code]).fetchone()
    return row_to_dossier(row) if row else None


def aliases_of(db: Database, uuid: str) -> tuple[str, ...]:
    """Older codes of a dossier (on receipts printed before it was renamed), oldest claim first."""
    return tuple(column(db, "SELECT code FROM dossier_aliases WHERE dossier_uuid = ? ORDER BY code", [uuid]))


def holders_of_alias(db: Database, code: str) -> tuple[dict, ...]:
    """The dossiers that had `code` on their receipt and now show another code."""
    rows = db.execute(_SELECT + " WHERE uuid IN (SELECT dossier_uuid FROM dossier_aliases WHERE code = ?) "
                      "ORDER BY received_at, id", [clean_text(code)]).fetchall()
    return tuple({"code": d.code, "name": d.applicant.display_name, "received_at": iso(d.received_at)}
                 for d in map(row_to_dossier, rows))


def require_dossier(db: Database, code: str) -> Dossier:
    dossier = find_dossier(db, code)
    if dossier is None:
        raise UserError(f"Không có hồ sơ mã '{clean_text(code)}'.")
    return dossier


def papers_of(db: Database, dossier_id: int) -> tuple[Paper, ...]:
    rows = db.query("SELECT name, kind, count FROM dossier_papers WHERE dossier_id = ? ORDER BY position",
                    [dossier_id])
    return tuple(Paper(**row) for row in rows)


def attachments_of(db: Database, dossier_id: int) -> tuple[dict, ...]:
    rows = db.query("SELECT uuid, sha256, ext, size, display_name, kind, added_at FROM dossier_attachments "
                    "WHERE dossier_id = ? ORDER BY added_at, id", [dossier_id])
    return tuple({**row, "path": f"attachments/{row['sha256'][:2]}/{row['sha256']}.{row['ext']}"} for row in rows)


def group_of(db: Database, dossier: Dossier) -> tuple[dict, ...]:
    """The other dossiers received together with this one (liên thông), in code order."""
    rows = db.execute(_SELECT + " WHERE group_id = ? AND id != ? ORDER BY code",
                      [dossier.group_id, dossier.id]).fetchall()
    return tuple({"code": d.code, "procedure_code": d.procedure_code, "procedure_name": d.procedure_name,
                  "state": d.state, "due_at": iso(d.due_at)} for d in map(row_to_dossier, rows))


def get_dossier(db: Database, code: str, *, with_timeline: bool = True) -> Dossier:
    """The dossier with its papers, timeline (events of entity 'dossier'), attachments and group.

    As the signed-in user may see it: the căn cước number masked without VIEW_FULL_ID (see shown).
    Writes return the dossier without its timeline (`with_timeline=False`): whoever shows the timeline
    reads it then, and every write stays one read lighter.
    """
    require(VIEW_DOSSIERS, "xem hồ sơ")
    dossier = require_dossier(db, code)
    events = tuple(events_for(db, "dossier", dossier.uuid)) if with_timeline else ()
    return shown(Dossier(**{**dossier.__dict__, "papers": papers_of(db, dossier.id), "events": events,
                            "attachments": attachments_of(db, dossier.id), "group": group_of(db, dossier),
                            "aliases": aliases_of(db, dossier.uuid)}))


def shown(dossier: Dossier) -> Dossier:
    """The dossier as the signed-in user may see it: without VIEW_FULL_ID the căn cước number is masked
    (models.roles.mask_cccd), in the applicant and in the timeline's receive events alike. Search still
    matches the whole number: it reads the stored search_text, never these objects."""
    if can(VIEW_FULL_ID) or not dossier.applicant.cccd:
        return dossier
    events = tuple({**e, "payload": {**e["payload"], "cccd": mask_cccd(e["payload"]["cccd"])}}
                   if isinstance(e.get("payload"), dict) and e["payload"].get("cccd") else e
                   for e in dossier.events)
    return replace(dossier, applicant=replace(dossier.applicant, cccd=mask_cccd(dossier.applicant.cccd)),
                   events=events)


def has_fts(db: Database) -> bool:
    """Whether the trigram FTS5 table exists (it is left out where SQLite lacks the tokenizer)."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'dossier_search'").fetchone() is not None


def _matches_at_least(db: Database, query: str, many: int) -> bool:
    """Whether an FTS query matches at least `many` rows (probed with a LIMIT: stops early)."""
    sql = "SELECT count(*) FROM (SELECT 1 FROM dossier_search WHERE dossier_search MATCH ? LIMIT ?)"
    return scalar(db, sql, [query, many]) >= many


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_terms(text: str | None) -> list[str]:
    """Folded words of a search; '+84…' becomes '0…' as phones are stored."""
    terms = []
    for term in search_words(text or ""):
        if re.fullmatch(r"\+84\d*", term):
            term = "0" + term[3:]
        terms.append(term)
    return terms


def _where(db: Database, *, state, states, field, channel, received_from, received_to, overdue, due_today,
           due_this_week, search, now: datetime, unpaid: bool = False,
           for_page: bool = False) -> tuple[str, list, bool]:
    """The WHERE clause and its parameters, and whether a page of it walks the received_at index."""
    clauses: list[str] = []
    params: list = []
    if unpaid:  # the procedure charges a fee and none was recorded (models.dossier_fees)
        clauses.append("fee_required = 1 AND fee_amount IS NULL")
    wanted = ([check_state(state)] if state else []) + [check_state(s) for s in states or ()]
    if wanted:
        clauses.append(f"state IN ({', '.join('?' for _ in wanted)})")
        params.extend(wanted)
    if field:
        clauses.append("field = ?")
        params.append(clean_text(field))
    if channel:
        clauses.append("channel = ?")
        params.append(check_channel(channel))
    if received_from:
        clauses.append("received_at >= ?")
        params.append(day_bounds(received_from)[0].isoformat())
    if received_to:
        clauses.append("received_at < ?")
        params.append(day_bounds(received_to)[1].isoformat())
    if overdue or due_today or due_this_week:
        clauses.append(_RUNNING)  # literally the partial index's condition, so the index is used
    if overdue:
        clauses.append("due_at < ?")
        params.append(iso(now))
    for flag, bounds in ((due_today, day_bounds), (due_this_week, week_bounds)):
        if flag:
            start, end = bounds(now.date())
            clauses.append("due_at >= ? AND due_at < ?")
            params.extend([start.isoformat(), end.isoformat()])
    walks = False
    long_terms: list[str] = []
    terms = search_terms(search)
    fts = bool(terms) and has_fts(db)  # asked once per query, not once per word
    for term in terms:
        if len(term) >= _FTS_MIN and fts:
            long_terms.append(term)
        else:
            clauses.append("search_text LIKE ? ESCAPE '\\'")
            params.append(_like(term))
    if long_terms:
        query = " AND ".join('"' + term.replace('"', '""') + '"' for term in long_terms)
        if for_page and _matches_at_least(db, query, COMMON_MATCHES):
            walks = True
            # Many matches: walking the received_at index and testing each row stops after one page,
            # where sorting every FTS match first would not (models the 1M-dossier measurements).
            for term in long_terms:
                clauses.append("search_text LIKE ? ESCAPE '\\'")
                params.append(_like(term))
        else:
            clauses.append("id IN (SELECT rowid FROM dossier_search WHERE dossier_search MATCH ?)")
            params.append(query)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params, walks


def list_dossiers(db: Database, *, state: str | None = None, states: list[str] | None = None,
                  field: str | None = None, channel: str | None = None, received_from: date | None = None,
                  received_to: date | None = None, overdue: bool = False, due_today: bool = False,
                  due_this_week: bool = False, search: str | None = None, limit: int = 100, offset: int = 0,
                  now: datetime | None = None, unpaid: bool = False) -> list[Dossier]:
    """Dossiers newest first (received_at, then id), filtered; page with limit/offset.

    `search` folds accents, case and đ and matches every word as a substring of the code, applicant
    or organisation name, căn cước number or phone. Overdue, due today and due this week (Monday to
    Sunday) are derived from due_at for dossiers whose clock runs (tiep_nhan, dang_xu_ly), never stored.
    """
    require(VIEW_DOSSIERS, "xem danh sách hồ sơ")
    if not 0 < limit <= MAX_LIMIT or offset < 0:
        raise UserError(f"Số dòng mỗi trang phải từ 1 đến {MAX_LIMIT}.")
    filters: dict[str, Any] = dict(state=state, states=states, field=field, channel=channel, received_from=received_from,
                   received_to=received_to, overdue=overdue, due_today=due_today, due_this_week=due_this_week,
                   search=search, now=now or now_local(), unpaid=unpaid)
    where, params, walks = _where(db, **filters, for_page=True)
    page = " ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?"
    rows = None
    if walks:
        edge = scalar(db, "SELECT received_at FROM dossiers ORDER BY received_at DESC LIMIT 1 OFFSET ?",
                      [WALK_WINDOW])
        if edge is not None:
            # Every dossier left out is older than every one kept, so a full page here is the true page.
            rows = db.execute(f"{_SELECT}{where} AND received_at >= ?{page}",
                              [*params, edge, limit, offset]).fetchall()
            if len(rows) < limit:
                query = " AND ".join('"' + t.replace('"', '""') + '"' for t in search_terms(search)
                                     if len(t) >= _FTS_MIN)
                if not _matches_at_least(db, query, HUGE_MATCHES):
                    where, params, _ = _where(db, **filters)  # sort the FTS matches instead
                rows = None
    if rows is None:
        rows = db.execute(f"{_SELECT}{where}{page}", [*params, limit, offset]).fetchall()
    if can(VIEW_FULL_ID):
        return [row_to_dossier(row) for row in rows]
    return [shown(row_to_dossier(row)) for row in rows]


def count_dossiers(db: Database, *, state: str | None = None, states: list[str] | None = None,
                   field: str | None = None, channel: str | None = None, received_from: date | None = None,
                   received_to: date | None = None, overdue: bool = False, due_today: bool = False,
                   due_this_week: bool = False, search: str | None = None, now: datetime | None = None,
                   unpaid: bool = False) -> int:
    """How many dossiers list_dossiers would page through with the same filters."""
    require(VIEW_DOSSIERS, "xem danh sách hồ sơ")
    where, params, _ = _where(db, state=state, states=states, field=field, channel=channel,
                              received_from=received_from, received_to=received_to, overdue=overdue,
                              due_today=due_today, due_this_week=due_this_week, search=search,
                              now=now or now_local(), unpaid=unpaid)
    return scalar(db, f"SELECT count(*) FROM dossiers{where}", params)


def next_day_seq(db: Database, day: date, station: int) -> int:
    """The next free number of `station` on `day` (one seek on the unique day/station/seq index)."""
    last = scalar(db, "SELECT max(day_seq) FROM dossiers WHERE code_day = ? AND station = ?",
                  [day.isoformat(), station])
    return (last or 0) + 1
