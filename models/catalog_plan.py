"""The import preview: how a catalog file compares with the stored catalog, row by row, before writing."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from models.catalog import Procedure
from models.catalog_import import CatalogFile
from models.deadline_text import is_parsed
from models.errors import UserError

ADDED, UPDATED, UNCHANGED, REJECTED, RETIRED = "added", "updated", "unchanged", "rejected", "retired"
STATUS_LABELS = {
    ADDED: "Thêm mới", UPDATED: "Cập nhật", UNCHANGED: "Không đổi", REJECTED: "Bị từ chối",
    RETIRED: "Ngừng áp dụng",
}
# Changed fields as the report names them; "deadline" is the parsed (value, unit) and who set it.
FIELD_LABELS = {
    "name": "Tên", "field": "Lĩnh vực", "deadline_text": "Thời hạn giải quyết", "deadline": "Thời hạn (đã tính)",
    "fees": "Phí, lệ phí", "online_level": "Mức độ DVC", "essential": "Thiết yếu", "own_url": "Đường dẫn",
    "active": "Đang áp dụng", "paper_result": "Kết quả là giấy",
}
# Fields a file can carry; code is the key, the parsed deadline follows deadline_text.
FILE_FIELDS = ("name", "field", "deadline_text", "fees", "online_level", "essential", "own_url", "papers",
               "deciding_agency", "cooperating_agency", "verification_text",
               "paper_result")
_DEADLINE_FIELDS = ("deadline_value", "deadline_unit", "deadline_set_by_clerk")


@dataclass(frozen=True)
class PlanRow:
    """One line of the preview; `after` is what will be stored (None for a rejected row)."""

    row_number: int | None  # None for a procedure that is not in the file (retired by replace)
    code: str
    name: str
    status: str
    reason: str = ""
    changes: tuple[str, ...] = ()
    before: Procedure | None = None
    after: Procedure | None = None

    def describe(self) -> str:
        """One readable Vietnamese line for the command line and the preview dialog."""
        where = f"Dòng {self.row_number}" if self.row_number is not None else "Không có trong tệp"
        text = f"{where}: {self.code or '(không mã)'} – {self.name or '(không tên)'}: {STATUS_LABELS[self.status]}"
        if self.reason:
            text += f" – {self.reason}"
        if self.changes and self.status == UPDATED:
            text += " (" + ", ".join(FIELD_LABELS.get(c, c) for c in self.changes) + ")"
        return text

    def to_dict(self) -> dict:
        return {"row": self.row_number, "code": self.code, "name": self.name, "status": self.status,
                "reason": self.reason, "changes": list(self.changes)}


@dataclass(frozen=True)
class ImportPlan:
    """The whole preview; `baseline` is the stored catalog it was computed from, so applying it can
    refuse when the catalog changed in between (another window, a sync) instead of overwriting."""

    source: str
    rows: tuple[PlanRow, ...]
    replace: bool = False
    baseline: tuple[Procedure, ...] = field(default=(), repr=False)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def rejected(self) -> list[PlanRow]:
        return [row for row in self.rows if row.status == REJECTED]

    @property
    def changed(self) -> list[PlanRow]:
        return [row for row in self.rows if row.status in (ADDED, UPDATED, RETIRED)]

    def summary(self) -> str:
        counts = self.counts
        return ", ".join(f"{STATUS_LABELS[s].lower()}: {counts[s]}" for s in STATUS_LABELS
                         if counts[s] or s != RETIRED)


def merge_from_file(new: Procedure, old: Procedure | None, columns: frozenset[str], *,
                    replace_all: bool = False) -> Procedure:
    """The procedure to store when the file's row `new` meets the stored `old`.

    Columns the file lacks keep their stored values, except with `replace_all`: then the catalog is
    exactly the file and a column it lacks is empty (never the bundled sample's value). The clerk's deadline (deadline_set_by_clerk)
    survives a re-import unless the file's text changed to something that parses: an unchanged text
    means nobody revised the time, and an unreadable new text gives nothing better than the clerk's.
    """
    if old is None:
        return new
    values = {name: getattr(new if name in columns or replace_all else old, name) for name in FILE_FIELDS}
    # The sample mark goes when the file replaces the catalog or changes the procedure; a merge that
    # brings the sample's very values keeps it (the unit has not given its own yet).
    same = all(values[name] == getattr(old, name) for name in FILE_FIELDS)
    values["sample"] = new.sample if replace_all or not same or "sample" in columns else old.sample
    text_changed = values["deadline_text"] != old.deadline_text
    if old.deadline_set_by_clerk and (not text_changed or not is_parsed(new.deadline_unit)):
        deadline = {name: getattr(old, name) for name in _DEADLINE_FIELDS}
    elif "deadline_text" in columns:
        deadline = {"deadline_value": new.deadline_value, "deadline_unit": new.deadline_unit,
                    "deadline_set_by_clerk": False}
    else:
        deadline = {name: getattr(old, name) for name in _DEADLINE_FIELDS}
    return replace(old, **values, **deadline, active=True)


def changed_fields(before: Procedure, after: Procedure) -> tuple[str, ...]:
    """Names of the fields that differ, the three parsed-deadline fields reported as one."""
    names = []
    for item in fields(Procedure):
        if getattr(before, item.name) != getattr(after, item.name):
            name = "deadline" if item.name in _DEADLINE_FIELDS else item.name
            if name not in names:
                names.append(name)
    return tuple(names)


def make_plan(catalog: CatalogFile, stored: dict[str, Procedure], *, replace_all: bool = False) -> ImportPlan:
    """Compare the file with the stored catalog (code -> procedure, retired ones included).

    With `replace_all` the active catalog becomes exactly the file: active procedures whose code is
    not in it are retired (a code on a rejected row counts as present, so a typo never retires it).
    """
    if replace_all and not any(row.procedure for row in catalog.rows):
        raise UserError("Tệp không có thủ tục hợp lệ nào: không thể thay cả danh mục bằng một danh sách trống.")
    rows = []
    for row in catalog.rows:
        if row.procedure is None:
            rows.append(PlanRow(row.row_number, row.code, row.name, REJECTED, reason=row.reason))
            continue
        old = stored.get(row.code)
        after = merge_from_file(row.procedure, old, catalog.columns, replace_all=replace_all)
        if old is None:
            rows.append(PlanRow(row.row_number, row.code, row.name, ADDED, after=after))
            continue
        changes = changed_fields(old, after)
        status = UPDATED if changes else UNCHANGED
        rows.append(PlanRow(row.row_number, row.code, after.name, status, changes=changes, before=old, after=after))
    if replace_all:
        in_file = {row.code for row in catalog.rows}
        for code, old in sorted(stored.items()):
            if old.active and code not in in_file:
                rows.append(PlanRow(None, code, old.name, RETIRED, changes=("active",), before=old,
                                    after=replace(old, active=False)))
    baseline = tuple(stored[code] for code in sorted(stored))
    return ImportPlan(catalog.source, tuple(rows), replace_all, baseline)

