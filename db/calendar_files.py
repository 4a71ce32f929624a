"""Reading the decided calendar years shipped in resources/calendar/<year>.json (bounded parser)."""

# Files come with the program, yet they are read like any outside input: size, shape and every value
# are checked, and a bad file is named in one Vietnamese line (UserError) rather than half-used.

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from models.calendar import OVERRIDE_KINDS, YearHolidays
from models.errors import UserError
from models.resources import resource_path

MAX_FILE_BYTES = 128 * 1024
MAX_DAYS = 400
MAX_TEXT = 400


def calendar_folder() -> Path:
    return resource_path("calendar")


def _text(value, what: str, where: str, required: bool = True) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT or (required and not value.strip()):
        raise UserError(f"{where}: {what} phải là chữ, không trống, tối đa {MAX_TEXT} ký tự.")
    return " ".join(value.split())


def parse_year_file(raw: bytes, name: str) -> tuple[int, YearHolidays]:
    """One year's file: {"year": 2026, "days": [{"day", "kind": off|work, "name", "source", "verified"?}]}."""
    where = f"Tệp lịch {name}"
    if len(raw) > MAX_FILE_BYTES:
        raise UserError(f"{where} quá lớn ({len(raw)} byte, tối đa {MAX_FILE_BYTES}).")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(f"{where} không đọc được (JSON hỏng: {error}).") from None
    year = data.get("year") if isinstance(data, dict) else None
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise UserError(f"{where}: thiếu năm hợp lệ ('year').")
    if Path(name).stem != str(year):
        raise UserError(f"{where}: tên tệp phải là {year}.json.")
    days = data.get("days")
    if not isinstance(days, list) or not days or len(days) > MAX_DAYS:
        raise UserError(f"{where}: 'days' phải là danh sách từ 1 đến {MAX_DAYS} ngày.")
    names: dict[date, str] = {}
    work_names: dict[date, str] = {}
    sources: dict[date, str] = {}
    unverified: set[date] = set()
    for entry in days:
        if not isinstance(entry, dict):
            raise UserError(f"{where}: mỗi ngày phải là một đối tượng.")
        try:
            day = date.fromisoformat(str(entry.get("day")))
        except ValueError:
            raise UserError(f"{where}: ngày '{str(entry.get('day'))[:20]}' không đúng dạng YYYY-MM-DD.") from None
        here = f"{where}, ngày {day:%d/%m/%Y}"
        if day.year != year or day in sources:
            raise UserError(f"{here}: ngoài năm {year} hoặc ghi hai lần.")
        kind = entry.get("kind")
        if kind not in OVERRIDE_KINDS:
            raise UserError(f"{here}: loại phải là 'off' (nghỉ) hoặc 'work' (làm bù).")
        verified = entry.get("verified", True)
        if not isinstance(verified, bool):
            raise UserError(f"{here}: 'verified' phải là true hoặc false.")
        label = _text(entry.get("name"), "tên ngày", here)
        sources[day] = _text(entry.get("source"), "văn bản quyết định", here)
        (names if kind == "off" else work_names)[day] = label
        if not verified:
            unverified.add(day)
    return year, YearHolidays(names=names, weekend_workdays=frozenset(work_names), sources=sources,
                              work_names=work_names, unverified=frozenset(unverified))


@lru_cache(maxsize=4)
def decided_years(folder: Path | None = None) -> dict[int, YearHolidays]:
    """Every <year>.json of the folder (default resources/calendar/); read once per process."""
    folder = folder or calendar_folder()
    years: dict[int, YearHolidays] = {}
    if not folder.is_dir():
        return years
    for path in sorted(folder.glob("*.json")):
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
        year, holidays = parse_year_file(raw, path.name)
        years[year] = holidays
    return years
