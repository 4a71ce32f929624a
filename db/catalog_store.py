"""The procedure catalog in SQLite: queries, edits, retiring and imports, each write one transaction with its event."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from db.events import record_event
from db.outside_files import read_regular_file
from models.catalog import ONLINE_LEVELS, Procedure, check_procedure_texts
from models.catalog_import import CatalogFile, parse_catalog_file, url_problem
from models.catalog_papers import papers_of, papers_text
from models.catalog_plan import ADDED, RETIRED, ImportPlan, changed_fields, make_plan
from models.deadline_text import check_deadline, parse_deadline
from models.errors import UserError
from models.resources import resource_path
from models.roles import EDIT_CATALOG
from models.session import require, system_work
from models.table_file import MAX_FILE_BYTES
from models.text import clean_text, fold, search_words

SAMPLE_CATALOG = "sample_catalog.csv"
_COLUMNS = ("code", "name", "field", "deadline_text", "deadline_value", "deadline_unit",
            "deadline_set_by_clerk", "fees", "online_level", "essential", "own_url", "active", "papers",
            "deciding_agency", "cooperating_agency", "verification_text", "sample",
            "paper_result")
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM procedures"


def _procedure(row: tuple) -> Procedure:
    values = dict(zip(_COLUMNS, row, strict=True))
    for flag in ("deadline_set_by_clerk", "essential", "active", "sample", "paper_result"):
        values[flag] = bool(values[flag])
    return Procedure(**values)


def _sort_key(procedure: Procedure) -> tuple:
    """Field then name as a Vietnamese reader expects (Đ with D), not SQLite's byte order."""
    return fold(procedure.field), fold(procedure.name), procedure.name, procedure.code


def _all(db: Database) -> dict[str, Procedure]:
    """Every stored procedure, retired ones included, by code."""
    procedures = [_procedure(row) for row in db.execute(_SELECT).fetchall()]
    return {procedure.code: procedure for procedure in procedures}


def list_procedures(db: Database, *, active_only: bool = True, search: str | None = None,
                    fields: list[str] | None = None, essential_only: bool = False) -> list[Procedure]:
    """The catalog ordered by field then name. `search` ignores accents, case and đ and matches code
    or name; with several words each must appear ("dang ky khai sinh" finds "Đăng ký khai sinh")."""
    where: list[str] = []
    params: list[object] = []
    if active_only:
        where.append("active = 1")
    if essential_only:
        where.append("essential = 1")
    if fields:
        where.append(f"field IN ({', '.join('?' for _ in fields)})")
        params.extend(clean_text(f) for f in fields)
    for word in search_words(search or ""):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("search_text LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "")
    return sorted((_procedure(row) for row in db.execute(sql, params).fetchall()), key=_sort_key)


def get_procedure(db: Database, code: str) -> Procedure | None:
    row = db.execute(_SELECT + " WHERE code = ?", [clean_text(code)]).fetchone()
    return _procedure(row) if row else None


def require_procedure(db: Database, code: str) -> Procedure:
    """The procedure, or the clerk's message that the code is not in the catalog."""
    procedure = get_procedure(db, code)
    if procedure is None:
        raise UserError(f"Không có thủ tục mã '{clean_text(code)}' trong danh mục.")
    return procedure


def field_counts(db: Database, *, active_only: bool = True) -> dict[str, int]:
    """Number of procedures per field (lĩnh vực), in the catalog's order; '' for those without one."""
    sql = "SELECT field, count(*) FROM procedures" + (" WHERE active = 1" if active_only else "") + " GROUP BY field"
    counts = dict(db.execute(sql).fetchall())
    return {name: counts[name] for name in sorted(counts, key=lambda f: (fold(f), f))}


def procedures_without_own_link(db: Database) -> list[Procedure]:
    """Active procedures whose QR code falls back to the unit's template (the screen flags them)."""
    return [p for p in list_procedures(db) if not p.own_url]


def _write(db: Database, procedure: Procedure) -> None:
    values = asdict(procedure)
    values["search_text"] = fold(f"{procedure.code} {procedure.name}")
    values["updated_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    names = list(values)
    db.execute(
        f"INSERT INTO procedures ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)}) "
        f"ON CONFLICT(code) DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names if n != 'code')}",
        [int(v) if isinstance(v, bool) else v for v in values.values()],
    )


def _store(db: Database, before: Procedure | None, after: Procedure, *, action: str, actor: str | None,
           source: str = "") -> bool:
    """Write `after` and its event (inside the caller's transaction); False when nothing changed."""
    changes = changed_fields(before, after) if before else ()
    if before is not None and not changes:
        return False
    _write(db, after)
    payload = {"procedure": asdict(after), "changes": list(changes)}
    if source:
        payload["source"] = source
    record_event(db, entity="procedure", entity_id=after.code, action=action, payload=payload, actor=actor)
    return True


def normalise_procedure(procedure: Procedure) -> Procedure:
    """Clean every text and check the values; UserError (Vietnamese) for the first bad one.

    Unless the clerk set the deadline, it is parsed again from its text, so editing the text of a
    processing time can never leave a stale number behind.
    """
    texts = {name: clean_text(getattr(procedure, name))
             for name in ("code", "name", "field", "deadline_text", "fees", "online_level", "own_url",
                          "deciding_agency", "cooperating_agency", "verification_text")}
    texts["papers"] = papers_text(papers_of(procedure.papers))
    check_procedure_texts(texts)
    if not texts["code"]:
        raise UserError("Mã thủ tục không được để trống.")
    if not texts["name"]:
        raise UserError("Tên thủ tục không được để trống.")
    if texts["online_level"] not in ONLINE_LEVELS:
        raise UserError(f"Mức độ DVC không hợp lệ: '{texts['online_level']}' (toan_trinh, mot_phan hoặc để trống).")
    if url_problem(texts["own_url"]):
        raise UserError(url_problem(texts["own_url"]) + ".")
    if procedure.deadline_set_by_clerk:
        value, unit = check_deadline(procedure.deadline_value, procedure.deadline_unit)
    else:
        value, unit = parse_deadline(texts["deadline_text"])
    return replace(procedure, **texts, deadline_value=value, deadline_unit=unit,
                   deadline_set_by_clerk=bool(procedure.deadline_set_by_clerk),
                   essential=bool(procedure.essential), active=bool(procedure.active), sample=bool(procedure.sample),
                   paper_result=bool(procedure.paper_result))


def save_procedure(db: Database, procedure: Procedure, actor: str | None = None) -> Procedure:
    """Add a procedure or edit the one with the same code; no write and no event when nothing changed."""
    require(EDIT_CATALOG, "sửa danh mục thủ tục")
    procedure = normalise_procedure(procedure)
    with db.atomic():
        before = get_procedure(db, procedure.code)
        _store(db, before, procedure, action="add" if before is None else "update", actor=actor)
    return procedure


def _update(db: Database, code: str, actor: str | None, action: str, **changes: Any) -> bool:
    """Change some fields of an existing procedure; False when they already had these values."""
    require(EDIT_CATALOG, "sửa danh mục thủ tục")
    with db.atomic():
        before = require_procedure(db, code)
        return _store(db, before, replace(before, **changes), action=action, actor=actor)


def retire_procedure(db: Database, code: str, actor: str | None = None) -> bool:
    """Stop offering a procedure; it stays stored because dossiers point at it."""
    return _update(db, code, actor, "retire", active=False)


def reactivate_procedure(db: Database, code: str, actor: str | None = None) -> bool:
    return _update(db, code, actor, "reactivate", active=True)


def set_essential(db: Database, code: str, essential: bool, actor: str | None = None) -> bool:
    """Mark a procedure as one of the national list's essential (thiết yếu) services, or not."""
    return _update(db, code, actor, "update", essential=bool(essential))


def set_paper_result(db: Database, code: str, paper: bool, actor: str | None = None) -> bool:
    """Say whether the procedure's result is a paper (the 766 online and electronic-result figures)."""
    return _update(db, code, actor, "update", paper_result=bool(paper))


def set_deadline(db: Database, code: str, value: float | None, unit: str | None,
                 actor: str | None = None) -> Procedure:
    """The clerk sets the processing time the text did not give (kept across re-imports, see
    models.catalog_plan.merge_from_file); `unit=None` drops the clerk's value and parses the text again."""
    require(EDIT_CATALOG, "sửa danh mục thủ tục")
    with db.atomic():
        before = require_procedure(db, code)
        if unit is None:
            value, unit = parse_deadline(before.deadline_text)
            after = replace(before, deadline_value=value, deadline_unit=unit, deadline_set_by_clerk=False)
        else:
            value, unit = check_deadline(value, unit)
            after = replace(before, deadline_value=value, deadline_unit=unit, deadline_set_by_clerk=True)
        _store(db, before, after, action="update", actor=actor)
    return after


def read_catalog_file(path: Path | str) -> CatalogFile:
    """A catalog file from disk: a regular file of at most MAX_FILE_BYTES, parsed with bounds."""
    path = Path(path)
    return parse_catalog_file(read_regular_file(path, MAX_FILE_BYTES), path.name)


def plan_import(db: Database, path: Path | str, *, replace: bool = False) -> ImportPlan:
    """Read a catalog file and compare it with the stored catalog; writes nothing (the preview)."""
    return make_plan(read_catalog_file(path), _all(db), replace_all=replace)


def apply_import(db: Database, plan: ImportPlan, actor: str | None = None, *,
                 skip_bad: bool = False) -> dict[str, int]:
    """Write every change of the plan with one event per changed procedure, all in one transaction.

    Refuses (changing nothing) when rows were rejected, unless `skip_bad`, and when the catalog
    changed since the plan was made; returns the plan's counts.
    """
    require(EDIT_CATALOG, "nhập danh mục thủ tục")
    rejected = plan.rejected
    if rejected and not skip_bad:
        lines = ", ".join(str(row.row_number) for row in rejected[:10]) + ("…" if len(rejected) > 10 else "")
        raise UserError(f"Có {len(rejected)} dòng bị từ chối (dòng {lines}): chưa ghi gì. "
                        "Hãy sửa tệp rồi nhập lại, hoặc chọn bỏ qua các dòng lỗi.")
    with db.atomic():
        current = _all(db)
        if tuple(current[code] for code in sorted(current)) != plan.baseline:
            raise UserError("Danh mục đã thay đổi từ lúc xem trước: hãy xem trước lại rồi mới nhập.")
        source = f"import:{plan.source}"
        for row in plan.changed:
            if row.after is None:  # a rejected row is never among the changed ones
                continue
            action = {ADDED: "add", RETIRED: "retire"}.get(row.status, "update")
            _store(db, row.before, row.after, action=action, actor=actor, source=source)
    return plan.counts


def load_sample_catalog(db: Database) -> ImportPlan:
    """Load the bundled sample (resources/sample_catalog.csv) through the ordinary import."""
    plan = plan_import(db, resource_path(SAMPLE_CATALOG))  # its rows say "DỮ LIỆU MẪU": marked as the sample
    with system_work():  # MotCua's own first-run work, not a person's
        apply_import(db, plan, actor="motcua")
    return plan
