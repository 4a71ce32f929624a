"""Seed a data folder with N realistic dossiers (default 1,000,000) for the dossier list's scale benchmark.

Run: .venv/bin/python bench/seed_dossiers.py [--n 1000000] [--out FOLDER] [--force] [--seed 2026]

The result is an ordinary MotCua data folder (FOLDER/motcua.sqlite3, schema made by the app's own
migrations, the sample catalog, first run done): `python main.py --data-dir FOLDER` opens it. The
default FOLDER is bench/.cache/dossiers-<N>/ (gitignored) and is reused when it is already complete.

Rows are built in Python and inserted with executemany in transactions of 50,000; search_text comes
from db.dossier_store.search_text, exactly as receive_dossier builds it; due dates come from the
unit's working-day calendar (db.calendar_store.load_calendar), as receive_dossier computes them. The
FTS trigram table is filled by the schema's own insert trigger, so it is consistent by construction.
Seeded dossiers have no events (as if imported from an older system): their timeline starts empty.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.calendar_store import load_calendar  # noqa: E402
from db.catalog_store import list_procedures  # noqa: E402
from db.connection import database_path, open_database  # noqa: E402
from db.data_folder import mark_first_run_done, open_data_folder  # noqa: E402
from db.dossier_store import search_text  # noqa: E402
from db.settings_store import load_settings  # noqa: E402
from models.citizen_id import PROVINCE_CODES, validate_cccd  # noqa: E402
from models.dossier import dossier_code  # noqa: E402
from models.dossier_applicant import Applicant  # noqa: E402
from models.dossier_clock import timeliness  # noqa: E402
from models.report_rules import resolution_time  # noqa: E402
from models.session import User, sign_in  # noqa: E402

# The data layer checks who acts (models.session); the benchmark acts as an administrator.
BENCH_USER = User("do-hieu-nang", "Đo hiệu năng", "admin")

CACHE = Path(__file__).resolve().parent / ".cache"
CHUNK = 50_000
YEARS = 5
MARKER = "bench_seeded_dossiers"

# Family names with their rough share of the population (weights, not exact statistics).
FAMILY = [("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 3), ("Huỳnh", 2.1),
          ("Phan", 4.5), ("Vũ", 2), ("Võ", 1.9), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3),
          ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đào", 0.5), ("Đinh", 0.5), ("Trương", 0.5),
          ("Lâm", 0.3), ("Mai", 0.3), ("Trịnh", 0.3), ("Cao", 0.3), ("Lương", 0.2), ("Tạ", 0.2)]
MIDDLE = {"nam": ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Đình", "Quốc", "Gia",
                  "Tuấn", "Trọng", "Ngọc"],
          "nu": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Phương", "Hồng", "Mai", "Bích",
                 "Diệu", "Khánh", "Minh"]}
GIVEN = {"nam": ["An", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Giang", "Hải", "Hào", "Hiếu", "Hoàng",
                 "Hùng", "Huy", "Khải", "Khang", "Khoa", "Kiên", "Long", "Lộc", "Mạnh", "Minh", "Nam", "Nghĩa",
                 "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thịnh", "Toàn",
                 "Trung", "Tú", "Tuấn", "Việt", "Vinh", "Vũ"],
         "nu": ["Anh", "Ánh", "Châu", "Chi", "Diễm", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền",
                "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân",
                "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Trinh", "Tuyết",
                "Uyên", "Vân", "Vy", "Xuân", "Yến"]}
ORGANISATIONS = ["Công ty TNHH Thương mại Minh Phát", "Công ty Cổ phần Xây dựng Đông Á",
                 "Hợp tác xã Nông nghiệp Hương Mai", "Công ty TNHH Dịch vụ Vận tải Hoàng Long",
                 "Trường Tiểu học Hương Mai", "Công ty TNHH Một thành viên Đức Thịnh",
                 "Doanh nghiệp tư nhân Phúc Lộc", "Chi nhánh Ngân hàng Nông nghiệp Hương Mai"]
VILLAGES = ["Thôn Đông", "Thôn Tây", "Thôn Trung", "Thôn Hạ", "Thôn Thượng", "Xóm Chùa", "Xóm Đình",
            "Thôn Bắc Sơn", "Thôn Nam Hòa", "Tổ dân phố 1", "Tổ dân phố 2", "Tổ dân phố 3"]
CHANNELS = [("truc_tiep", 55), ("truc_tuyen", 30), ("buu_chinh", 3), ("ho_tro_truc_tuyen", 12)]
# How often each procedure of the sample catalog is asked for (chứng thực bản sao dominates).
PROCEDURE_WEIGHTS = {"2.000815": 30, "2.000884": 10, "1.001193": 8, "1.004873": 7, "1.004194": 6,
                     "1.004222": 5, "1.000656": 3, "1.000894": 3, "2.000635": 4, "2.000908": 3,
                     "1.003677": 3, "2.001159": 3, "1.010041": 4, "1.003197": 2, "2.001019": 1,
                     "1.004884": 1, "1.004859": 2, "1.001022": 0.5, "1.004837": 0.5, "2.000806": 0.3,
                     "2.000986": 2}
HOME_PROVINCE = "040"  # most citizens of a commune were born in its own province

INSERT_COLUMNS = ("uuid", "code", "group_id", "code_day", "station", "day_seq", "procedure_code",
                  "procedure_name", "field", "deadline_text", "deadline_value", "deadline_unit", "channel",
                  "state", "applicant_name", "organisation", "cccd", "dob", "sex", "phone", "address",
                  "email", "sets", "note", "logbook", "received_at", "due_at", "due_source", "paused_at",
                  "supplement_count", "extension_count", "finished_at", "timeliness", "returned_at",
                  "closed_at", "state_changed_at", "search_text", "created_at", "updated_at", "resolution")
INSERT_SQL = (f"INSERT INTO dossiers ({', '.join(INSERT_COLUMNS)}) "
              f"VALUES ({', '.join('?' for _ in INSERT_COLUMNS)})")


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


class Maker:
    """Makes one dossier row at a time; the received moments come in increasing order."""

    def __init__(self, db, n: int, now: datetime, rng: random.Random):
        self.rng = rng
        self.now = now
        self.n = n
        self.calendar = load_calendar(db)
        self.prefix = load_settings(db).effective_dossier_prefix
        self.procedures = [p for p in list_procedures(db) if p.code in PROCEDURE_WEIGHTS]
        self.procedure_weights = [PROCEDURE_WEIGHTS[p.code] for p in self.procedures]
        self.family = [name for name, _ in FAMILY]
        self.family_weights = [weight for _, weight in FAMILY]
        self.channels = [c for c, _ in CHANNELS]
        self.channel_weights = [w for _, w in CHANNELS]
        self.provinces = list(PROVINCE_CODES)
        self.seq: dict[tuple[date, int], int] = {}
        start = (now - timedelta(days=365 * YEARS)).date()
        self.days = [start + timedelta(days=i) for i in range((now.date() - start).days + 1)]
        working = [d for d in self.days if self.calendar.is_working_day(d)]
        # Counter dossiers come on working days; online ones any day: one list of days, weighted.
        self.day_pool = working * 6 + self.days

    def moments(self) -> Iterator[datetime]:
        rng = self.rng
        days = sorted(rng.choice(self.day_pool) for _ in range(self.n))
        for day in days:
            if self.calendar.is_working_day(day):
                minute = rng.choice((rng.randint(450, 690), rng.randint(810, 1019)))  # office hours
            else:
                minute = rng.randint(360, 1320)
            moment = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minute,
                                                                           seconds=rng.randint(0, 59))
            yield min(moment, self.now - timedelta(minutes=1))

    def person(self) -> Applicant:
        rng = self.rng
        sex = "nam" if rng.random() < 0.48 else "nu"
        name = f"{rng.choices(self.family, self.family_weights)[0]} {rng.choice(MIDDLE[sex])} " \
               f"{rng.choice(GIVEN[sex])}"
        year = rng.randint(1935, min(2008, self.now.year - 16))
        dob = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        province = HOME_PROVINCE if rng.random() < 0.8 else rng.choice(self.provinces)
        century = (0 if year < 2000 else 2) + (0 if sex == "nam" else 1)
        cccd = f"{province}{century}{year % 100:02d}{rng.randint(0, 999_999):06d}"
        phone = "" if rng.random() < 0.08 else \
            f"0{rng.choice('35789')}{rng.randint(0, 99_999_999):08d}"
        address = f"{rng.choice(VILLAGES)}, xã Hương Mai, tỉnh Nghệ An"
        organisation = rng.choice(ORGANISATIONS) if rng.random() < 0.03 else ""
        email = f"lienhe{rng.randint(1, 999)}@vidu.vn" if organisation or rng.random() < 0.05 else ""
        return Applicant(name=name, organisation=organisation, cccd=cccd, dob=dob, sex=sex, phone=phone,
                         address=address, email=email)

    def code(self, received: datetime, station: int) -> tuple[str, int]:
        key = (received.date(), station)
        seq = self.seq.get(key, 0) + 1
        if seq > 999:  # this station's numbers of the day are used up: another station took it
            return self.code(received, station % 9 + 1)
        self.seq[key] = seq
        return dossier_code(self.prefix, received.date(), station, seq), station * 1000 + seq

    def outcome(self, received: datetime, due: datetime) -> dict:
        """A state and its moments that fit the dossier's age and due date."""
        rng = self.rng
        now = self.now
        age = (now - received).days
        roll = rng.random()
        fields: dict = {"state": "da_tra", "paused_at": None, "finished_at": None, "timeliness": None,
                        "returned_at": None, "closed_at": None, "supplement_count": 0}
        late = rng.random() < 0.06
        finish = due + timedelta(hours=rng.randint(2, 120)) if late else \
            received + (due - received) * rng.uniform(0.3, 1.0)
        if finish > now or (age < 30 and roll < 0.35):
            fields["state"] = rng.choices(("tiep_nhan", "dang_xu_ly", "cho_bo_sung", "cho_nghia_vu_tai_chinh"),
                                          (3, 6, 1.5, 0.3))[0]
            if age > 10 and rng.random() < 0.7:  # long-running ones are mostly past their due date
                fields["state"] = "dang_xu_ly"
            if fields["state"] in ("cho_bo_sung", "cho_nghia_vu_tai_chinh"):
                fields["paused_at"] = iso(received + (now - received) * rng.uniform(0.1, 0.9))
                fields["supplement_count"] = 1 if fields["state"] == "cho_bo_sung" else 0
            fields["state_changed_at"] = fields["paused_at"] or iso(received)
            return fields
        if roll < 0.03:
            fields.update(state="tu_choi", closed_at=iso(finish))
        elif roll < 0.045:
            fields.update(state="rut_ho_so", closed_at=iso(finish))
        elif roll < 0.05:
            fields.update(state="dung_giai_quyet", closed_at=iso(finish))
        else:
            fields.update(finished_at=iso(finish), timeliness=timeliness(finish, due))
            returned = finish + timedelta(hours=rng.randint(1, 200))
            if returned >= now or rng.random() < 0.02:
                fields["state"] = "co_ket_qua"
            else:
                fields.update(returned_at=iso(returned), closed_at=iso(returned))
        fields["state_changed_at"] = fields["closed_at"] or fields["finished_at"]
        return fields

    def rows(self) -> Iterator[tuple]:
        rng = self.rng
        for received in self.moments():
            procedure = rng.choices(self.procedures, self.procedure_weights)[0]
            applicant = self.person()
            code, day_seq = self.code(received, rng.choice((1, 1, 2, 3)))
            station, seq = divmod(day_seq, 1000)
            due = self.calendar.due_at(received, procedure.deadline_value, procedure.deadline_unit)
            source = "law"
            if due is None:  # the linked-procedure entry has no computable time: the clerk typed one
                due, source = self.calendar.add_working_days(received, 5), "clerk"
            state = self.outcome(received, due)
            values = {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "code": code,
                "group_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "code_day": received.date().isoformat(), "station": station, "day_seq": seq,
                "procedure_code": procedure.code, "procedure_name": procedure.name, "field": procedure.field,
                "deadline_text": procedure.deadline_text, "deadline_value": procedure.deadline_value,
                "deadline_unit": procedure.deadline_unit,
                "channel": rng.choices(self.channels, self.channel_weights)[0],
                "applicant_name": applicant.name, "organisation": applicant.organisation,
                "cccd": applicant.cccd, "dob": applicant.dob.isoformat() if applicant.dob else None,
                "sex": applicant.sex, "phone": applicant.phone, "address": applicant.address,
                "email": applicant.email, "sets": 1 if rng.random() < 0.9 else rng.randint(2, 5),
                "note": "", "logbook": "", "received_at": iso(received), "due_at": iso(due),
                "due_source": source, "extension_count": 0,
                "search_text": search_text(code, applicant), "created_at": iso(received),
                "updated_at": iso(received), **state,
            }
            # The resolution time is stored with the result, as move_dossier stores it (no pauses here:
            # seeded dossiers with a result never waited for the citizen).
            values["resolution"] = resolution_time(self.calendar, procedure.deadline_unit, received,
                                                   datetime.fromisoformat(state["finished_at"])) \
                if state["finished_at"] else None
            yield tuple(values[column] for column in INSERT_COLUMNS)


def seeded_count(folder: Path) -> int | None:
    """How many dossiers a finished seed wrote into `folder`, or None when it is not one."""
    path = database_path(folder)
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT value FROM local WHERE key = ?", [MARKER]).fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        conn.close()
    return int(row[0]) if row else None


def seed(folder: Path, n: int, rng_seed: int = 2026, quiet: bool = False) -> dict:
    """Build the data folder in a temporary sibling and move it into place when complete."""
    say = (lambda *_a, **_k: None) if quiet else print
    building = folder.with_name(folder.name + ".dang-tao")
    shutil.rmtree(building, ignore_errors=True)
    started = time.perf_counter()
    db = open_data_folder(building)
    mark_first_run_done(db)
    maker = Maker(db, n, datetime.now().replace(microsecond=0), random.Random(rng_seed))
    db.close()
    for _check in range(3):  # the generated numbers pass the layer's own check
        person = maker.person()
        validate_cccd(person.cccd, dob=person.dob, sex=person.sex)
    conn = sqlite3.connect(database_path(building), isolation_level=None)
    conn.execute("PRAGMA journal_mode=MEMORY")  # bulk load: no WAL growth; WAL again at the end
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    done = 0
    rows = maker.rows()
    while done < n:
        chunk = [row for _, row in zip(range(min(CHUNK, n - done)), rows, strict=False)]
        conn.execute("BEGIN")
        conn.executemany(INSERT_SQL, chunk)
        conn.execute("COMMIT")
        done += len(chunk)
        elapsed = time.perf_counter() - started
        say(f"\r  {done:>9,} / {n:,} hồ sơ  ({elapsed:5.0f} s)", end="", flush=True)
    say()
    conn.execute("INSERT INTO dossier_search(dossier_search) VALUES ('optimize')")
    conn.execute("INSERT OR REPLACE INTO local(key, value) VALUES (?, ?)", [MARKER, str(n)])
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    seconds = time.perf_counter() - started
    if folder.exists():
        shutil.rmtree(folder)
    building.rename(folder)
    size = database_path(folder).stat().st_size
    return {"n": n, "seconds": seconds, "bytes": size, "folder": folder}


def upgrade(folder: Path) -> None:
    """Apply schema steps added since the cache was made, as the app would, without keeping the
    1 GB backup copy the app makes before a pending step (this cache can always be seeded again)."""
    backups = folder / "backups"
    before = set(backups.glob("*")) if backups.exists() else set()
    open_database(database_path(folder)).close()
    for made in set(backups.glob("*")) - before:
        made.unlink()


def ensure_seeded(n: int, folder: Path | None = None, force: bool = False, quiet: bool = False) -> Path:
    """The seeded data folder for `n` dossiers, built only when the cache does not hold it yet."""
    folder = folder or CACHE / f"dossiers-{n}"
    if not force and seeded_count(folder) == n:
        if not quiet:
            print(f"Dùng lại dữ liệu đã tạo: {folder} ({n:,} hồ sơ).")
        upgrade(folder)
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    if not quiet:
        print(f"Đang tạo {n:,} hồ sơ vào {folder}…")
    result = seed(folder, n, quiet=quiet)
    if not quiet:
        print(f"Đã tạo {n:,} hồ sơ trong {result['seconds']:.1f} s "
              f"({n / result['seconds']:,.0f} hồ sơ/s), cơ sở dữ liệu {result['bytes'] / 1e6:,.0f} MB.")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="số hồ sơ (mặc định 1.000.000)")
    parser.add_argument("--out", type=Path, help="thư mục dữ liệu (mặc định bench/.cache/dossiers-N)")
    parser.add_argument("--force", action="store_true", help="tạo lại dù đã có")
    args = parser.parse_args(argv)
    sign_in(BENCH_USER)
    if args.n < 1:
        parser.error("--n phải lớn hơn 0")
    ensure_seeded(args.n, args.out, args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
