"""The schema, built step by step by sqlite-utils' Migrations and recorded in `_sqlite_migrations`.

Append new steps at the end; never edit or reorder a step that has shipped.
"""

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "motcua"
migrations = Migrations(MIGRATION_SET)


@migrations(name="0001_foundation")
def foundation(db: Database) -> None:
    """Settings, calendar overrides, the procedure catalog and the event log (outbox)."""
    db.execute(
        """CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL  -- JSON
        )"""
    )
    db.execute(
        """CREATE TABLE local (
            key TEXT PRIMARY KEY,                        -- this PC only, never synced: device_id, station
            value TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE calendar_overrides (
            day TEXT PRIMARY KEY,                        -- YYYY-MM-DD
            kind TEXT NOT NULL CHECK (kind IN ('off', 'work')),
            note TEXT NOT NULL DEFAULT ''
        )"""
    )
    db.execute(
        """CREATE TABLE procedures (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            field TEXT NOT NULL DEFAULT '',
            deadline_text TEXT NOT NULL DEFAULT '',
            deadline_value REAL,                          -- NULL when the text cannot be parsed
            deadline_unit TEXT CHECK (deadline_unit IN
                ('working_days', 'calendar_days', 'working_hours', 'same_day')),
            deadline_set_by_clerk INTEGER NOT NULL DEFAULT 0,
            fees TEXT NOT NULL DEFAULT '',
            online_level TEXT NOT NULL DEFAULT '' CHECK (online_level IN ('', 'toan_trinh', 'mot_phan')),
            essential INTEGER NOT NULL DEFAULT 0,
            own_url TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            search_text TEXT NOT NULL DEFAULT '',         -- folded code + name, see models.text.fold
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX procedures_field ON procedures(field, name)")
    db.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,                         -- per-device sequence number
            actor TEXT NOT NULL,
            at TEXT NOT NULL,                             -- ISO 8601 with offset
            entity TEXT NOT NULL,                         -- 'settings', 'procedure', 'dossier'...
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            payload TEXT NOT NULL,                        -- JSON
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            acked_at TEXT,                                -- NULL while the hub has not acknowledged it
            UNIQUE (device_id, seq)
        )"""
    )
    db.execute("CREATE INDEX events_entity ON events(entity, entity_id)")
    db.execute("CREATE INDEX events_pending ON events(acked_at) WHERE acked_at IS NULL")


@migrations(name="0002_dossiers")
def dossiers(db: Database) -> None:
    """Dossiers with their papers and attachments; indexes sized for a million dossiers.

    Moments are naive local ISO 8601 text ('2026-02-24T10:00:00'), so text order is time order. The
    code's day, station and sequence are kept apart to find the next number with one index seek.
    `search_text` is the folded code, names, căn cước and phone (models.text.fold); the FTS5 trigram
    table over it answers substring search in the GUI's search-as-you-type (SQLite ≥ 3.34); where
    the tokenizer is missing the table is left out and search falls back to LIKE on `search_text`.
    """
    db.execute(
        """CREATE TABLE dossiers (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,                    -- made on the PC that received it (sync dedup)
            code TEXT NOT NULL UNIQUE,                    -- <prefix>-<YYMMDD>-<station><NNN>
            group_id TEXT NOT NULL,                       -- shared by linked dossiers (liên thông)
            code_day TEXT NOT NULL,                       -- YYYY-MM-DD of the code
            station INTEGER NOT NULL CHECK (station BETWEEN 1 AND 9),
            day_seq INTEGER NOT NULL CHECK (day_seq BETWEEN 1 AND 999),
            procedure_code TEXT NOT NULL,                 -- no foreign key: a synced dossier may name
            procedure_name TEXT NOT NULL,                 -- a procedure this PC lacks; name, field and
            field TEXT NOT NULL DEFAULT '',               -- time are copied at receipt
            deadline_text TEXT NOT NULL DEFAULT '',
            deadline_value REAL,
            deadline_unit TEXT,
            channel TEXT NOT NULL CHECK (channel IN
                ('truc_tiep', 'truc_tuyen', 'buu_chinh', 'ho_tro_truc_tuyen')),
            state TEXT NOT NULL CHECK (state IN ('tiep_nhan', 'dang_xu_ly', 'cho_bo_sung',
                'cho_nghia_vu_tai_chinh', 'co_ket_qua', 'da_tra', 'tu_choi', 'rut_ho_so', 'dung_giai_quyet')),
            applicant_name TEXT NOT NULL DEFAULT '',
            organisation TEXT NOT NULL DEFAULT '',
            cccd TEXT NOT NULL DEFAULT '',
            dob TEXT,                                     -- YYYY-MM-DD
            sex TEXT NOT NULL DEFAULT '' CHECK (sex IN ('', 'nam', 'nu')),
            phone TEXT NOT NULL DEFAULT '',
            address TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            sets INTEGER NOT NULL DEFAULT 1,
            note TEXT NOT NULL DEFAULT '',
            logbook TEXT NOT NULL DEFAULT '',             -- sổ theo dõi: volume and number, if known
            received_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            due_source TEXT NOT NULL DEFAULT 'law' CHECK (due_source IN ('law', 'clerk')),
            paused_at TEXT,                               -- set while waiting (clock stopped)
            supplement_count INTEGER NOT NULL DEFAULT 0,
            extension_count INTEGER NOT NULL DEFAULT 0,
            finished_at TEXT,                             -- reached co_ket_qua
            timeliness TEXT CHECK (timeliness IN ('truoc_han', 'dung_han', 'qua_han')),
            returned_at TEXT,
            closed_at TEXT,                               -- reached a final state
            state_changed_at TEXT NOT NULL,
            search_text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,                     -- real time of entry (differs when replayed)
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX dossiers_received ON dossiers(received_at)")
    db.execute("CREATE INDEX dossiers_state_received ON dossiers(state, received_at)")
    db.execute("CREATE INDEX dossiers_field_received ON dossiers(field, received_at)")
    db.execute("CREATE INDEX dossiers_channel_received ON dossiers(channel, received_at)")
    db.execute("CREATE INDEX dossiers_procedure ON dossiers(procedure_code, received_at)")
    db.execute("CREATE INDEX dossiers_running_due ON dossiers(due_at) "
               "WHERE state IN ('tiep_nhan', 'dang_xu_ly')")
    db.execute("CREATE INDEX dossiers_group ON dossiers(group_id)")
    db.execute("CREATE UNIQUE INDEX dossiers_day_station_seq ON dossiers(code_day, station, day_seq)")
    db.execute(
        """CREATE TABLE dossier_papers (
            id INTEGER PRIMARY KEY,
            dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('ban_chinh', 'ban_sao', 'ban_sao_chung_thuc')),
            count INTEGER NOT NULL CHECK (count >= 1),
            UNIQUE (dossier_id, position)
        )"""
    )
    db.execute(
        """CREATE TABLE dossier_attachments (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
            sha256 TEXT NOT NULL,                         -- file is attachments/<sha[:2]>/<sha>.<ext>
            ext TEXT NOT NULL CHECK (ext IN ('pdf', 'jpg', 'png')),
            size INTEGER NOT NULL,
            display_name TEXT NOT NULL DEFAULT '',        -- the original name, sanitised, shown only
            kind TEXT NOT NULL DEFAULT 'ho_so' CHECK (kind IN ('ho_so', 'ket_qua')),
            added_at TEXT NOT NULL,
            UNIQUE (dossier_id, sha256)
        )"""
    )
    import sqlite3

    try:
        db.execute("CREATE VIRTUAL TABLE dossier_search USING fts5(search_text, content='dossiers', "
                   "content_rowid='id', tokenize='trigram')")
    except sqlite3.OperationalError:  # SQLite older than 3.34: no trigram tokenizer
        return
    db.execute("""CREATE TRIGGER dossiers_search_insert AFTER INSERT ON dossiers BEGIN
        INSERT INTO dossier_search(rowid, search_text) VALUES (new.id, new.search_text); END""")
    db.execute("""CREATE TRIGGER dossiers_search_update AFTER UPDATE OF search_text ON dossiers BEGIN
        INSERT INTO dossier_search(dossier_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO dossier_search(rowid, search_text) VALUES (new.id, new.search_text); END""")
    db.execute("""CREATE TRIGGER dossiers_search_delete AFTER DELETE ON dossiers BEGIN
        INSERT INTO dossier_search(dossier_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text); END""")


@migrations(name="0003_sync")
def sync(db: Database) -> None:
    """This PC's sync state (hub, token, pull cursor), events the hub refused, and conflicts found."""
    db.execute(
        """CREATE TABLE sync_state (
            key TEXT PRIMARY KEY,                         -- this PC only, never synced (see sync/state.py)
            value TEXT NOT NULL                           -- JSON
        )"""
    )
    db.execute(
        """CREATE TABLE sync_rejected (
            event_uuid TEXT PRIMARY KEY,                  -- a local event the hub refused (4xx): not resent
            status INTEGER NOT NULL,
            reason TEXT NOT NULL,
            rejected_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE conflicts (
            id INTEGER PRIMARY KEY,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            event_uuid TEXT NOT NULL,                     -- the event that met a different state
            kind TEXT NOT NULL,                           -- 'state_move', 'due_at', 'duplicate_code'...
            outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'skipped')),
            message TEXT NOT NULL,                        -- Vietnamese, shown on the dossier's timeline
            detected_at TEXT NOT NULL,
            UNIQUE (event_uuid, kind)
        )"""
    )
    db.execute("CREATE INDEX conflicts_entity ON conflicts(entity, entity_id)")


@migrations(name="0004_ratings_reports")
def ratings_reports(db: Database) -> None:
    """Citizens' satisfaction ratings, and indexes that let a year's report read indexes only.

    One rating per dossier (the latest; each change is an event of entity 'rating'), keyed by the
    dossier's uuid so it syncs. The dossier's field is copied (it never changes after receipt) so the
    report groups ratings without a join. No foreign key: a synced rating may arrive before its dossier.
    The covering indexes hold every column the report counts (models/report_rules.py), so a year of a
    million dossiers is read from indexes only, field by field and month by month without sorting:
    received in a period; resolved (finished_at) in a period; and, for dossiers without a result (a few
    per cent, so closed_at first), ended (closed_at) in a period or still open (closed_at NULL).
    `report_attached` keeps, per dossier with attachments, which kinds it has (bit 1 input papers, bit 2
    result) beside its finished_at and field, kept by triggers whoever writes (this PC or sync): the
    digitised share of a year is then one index range instead of a lookup per resolved dossier.
    """
    db.execute(
        """CREATE TABLE ratings (
            dossier_uuid TEXT PRIMARY KEY,
            dossier_code TEXT NOT NULL,
            field TEXT NOT NULL DEFAULT '',
            rating TEXT NOT NULL CHECK (rating IN ('hai_long', 'binh_thuong', 'khong_hai_long')),
            comment TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL,                             -- naive local ISO 8601, like dossier moments
            actor TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX ratings_at ON ratings(field, at, rating)")
    db.execute("CREATE INDEX dossiers_report_received ON dossiers(field, received_at, channel)")
    db.execute("CREATE INDEX dossiers_report_finished ON dossiers(field, finished_at, timeliness, "
               "supplement_count, received_at, due_at)")
    db.execute("CREATE INDEX dossiers_report_unfinished ON dossiers(closed_at, field, state, received_at, due_at, "
               "finished_at) WHERE finished_at IS NULL")  # finished_at (always NULL) makes it covering
    db.execute(
        """CREATE TABLE report_attached (
            dossier_id INTEGER PRIMARY KEY,               -- dossiers.id (local)
            finished_at TEXT,                             -- copied from dossiers by the triggers below
            field TEXT NOT NULL DEFAULT '',
            bits INTEGER NOT NULL DEFAULT 0               -- 1: an input paper (ho_so), 2: the result (ket_qua)
        )"""
    )
    db.execute("CREATE INDEX report_attached_finished ON report_attached(field, finished_at, bits)")
    bits = ("coalesce((SELECT max(kind = 'ho_so') + 2 * max(kind = 'ket_qua') FROM dossier_attachments "
            "WHERE dossier_id = {0}), 0)")
    db.execute(f"""INSERT INTO report_attached (dossier_id, finished_at, field, bits)
        SELECT id, finished_at, field, {bits.format('dossiers.id')} FROM dossiers
        WHERE id IN (SELECT dossier_id FROM dossier_attachments)""")
    db.execute(f"""CREATE TRIGGER report_attached_insert AFTER INSERT ON dossier_attachments BEGIN
        INSERT INTO report_attached (dossier_id, finished_at, field)
            SELECT id, finished_at, field FROM dossiers WHERE id = new.dossier_id
            ON CONFLICT (dossier_id) DO NOTHING;
        UPDATE report_attached SET bits = {bits.format('new.dossier_id')} WHERE dossier_id = new.dossier_id; END""")
    db.execute(f"""CREATE TRIGGER report_attached_delete AFTER DELETE ON dossier_attachments BEGIN
        UPDATE report_attached SET bits = {bits.format('old.dossier_id')} WHERE dossier_id = old.dossier_id; END""")
    db.execute(f"""CREATE TRIGGER report_attached_update AFTER UPDATE OF kind, dossier_id ON dossier_attachments
        BEGIN
        UPDATE report_attached SET bits = {bits.format('old.dossier_id')} WHERE dossier_id = old.dossier_id;
        INSERT INTO report_attached (dossier_id, finished_at, field)
            SELECT id, finished_at, field FROM dossiers WHERE id = new.dossier_id
            ON CONFLICT (dossier_id) DO NOTHING;
        UPDATE report_attached SET bits = {bits.format('new.dossier_id')} WHERE dossier_id = new.dossier_id; END""")
    db.execute("""CREATE TRIGGER report_attached_dossier AFTER UPDATE OF finished_at, field ON dossiers BEGIN
        UPDATE report_attached SET finished_at = new.finished_at, field = new.field WHERE dossier_id = new.id; END""")
    db.execute("""CREATE TRIGGER report_attached_dossier_delete AFTER DELETE ON dossiers BEGIN
        DELETE FROM report_attached WHERE dossier_id = old.id; END""")


@migrations(name="0005_accounts")
def accounts(db: Database) -> None:
    """Clerks' accounts, local to this PC's database (never synced: each PC signs in its own people).

    Passwords only as 'scrypt$n$r$p$salt$hash' (db/accounts.py); `locked_until` is a naive local ISO
    moment after 5 wrong tries in a row. Each change is also an event of entity 'account' (without the
    hash), so the audit trail shows who made or changed which account.
    """
    db.execute(
        """CREATE TABLE users (
            username TEXT PRIMARY KEY COLLATE NOCASE,
            full_name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL CHECK (role IN ('clerk', 'officer', 'leader', 'admin')),
            password_hash TEXT NOT NULL,
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            must_change_password INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )


@migrations(name="0006_events_write_path")
def events_write_path(db: Database) -> None:
    """Events that cost a dossier write less: a new (pending) event writes the table's b-tree only, not
    five b-trees (the table, its uuid and (device_id, seq) keys, the timeline and pending indexes).

    The three indexes hold acknowledged events: every other device's event is stored acknowledged, and
    this PC's enter them when the hub acknowledges them, so uuid and (device_id, seq) stay unique where
    they are looked up. This PC's pending events are found in the rowid range after the acknowledged floor
    kept in `local` (db.events.ACKED_FLOOR_KEY): numbered by record_event under SQLite's write lock, a
    new event cannot take a number twice. Measured by bench/bench_sync.py.
    """
    columns = ("id, uuid, device_id, seq, actor, at, entity, entity_id, action, payload, prev_hash, hash, "
               "acked_at")
    db.execute(
        """CREATE TABLE events_new (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL,                           -- unique among acknowledged events (events_uuid)
            device_id TEXT NOT NULL,
            seq INTEGER NOT NULL,                         -- per-device sequence number (events_device_seq)
            actor TEXT NOT NULL,
            at TEXT NOT NULL,                             -- ISO 8601 with offset
            entity TEXT NOT NULL,                         -- 'settings', 'procedure', 'dossier'...
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            payload TEXT NOT NULL,                        -- JSON
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            acked_at TEXT                                 -- NULL while the hub has not acknowledged it
        )"""
    )
    db.execute(f"INSERT INTO events_new ({columns}) SELECT {columns} FROM events ORDER BY id")
    db.execute("DROP TABLE events")
    db.execute("ALTER TABLE events_new RENAME TO events")
    acknowledged = "WHERE acked_at IS NOT NULL"
    db.execute(f"CREATE UNIQUE INDEX events_device_seq ON events(device_id, seq) {acknowledged}")
    db.execute(f"CREATE UNIQUE INDEX events_uuid ON events(uuid) {acknowledged}")
    db.execute(f"CREATE INDEX events_entity ON events(entity, entity_id) {acknowledged}")
    # The floor as db.events.advance_acked_floor computes it (a migration keeps its own copy, and its own
    # `local` SQL rather than db.local's accessor: later code may change, this step may not).
    device = db.execute("SELECT value FROM local WHERE key = 'device_id'").fetchone()
    if device is not None:
        first_pending, last = db.execute(
            "SELECT min(CASE WHEN device_id = ? AND acked_at IS NULL THEN id END), coalesce(max(id), 0) "
            "FROM events", [device[0]]).fetchone()
        floor = first_pending - 1 if first_pending is not None else last
        db.execute("INSERT INTO local(key, value) VALUES ('events_acked_floor', ?) "
                   "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [str(floor)])


@migrations(name="0007_calendar_766")
def calendar_766(db: Database) -> None:
    """The portal's (QĐ 766) figures: which procedures' result is a paper, the resolution time of each
    dossier in its procedure's unit, and report indexes that hold what the new definitions count.

    `procedures.paper_result` (default 1, "has a paper result") is copied to `dossiers.paper_result` at
    receipt, as the name and the time are. `dossiers.resolution` is the time from receipt to result in the
    procedure's unit with the waits for the citizen subtracted (models.report_rules.resolution_time),
    written with the result; rows finished before this step get it here, from their events' pauses.
    The three report indexes gain the columns the 766 definitions read (paper_result; supplement and
    extension counts and paused_at for "still within time"; received dossiers by channel); a fourth reads
    averages per procedure and unit with one index range each, and a small fifth holds the resolved
    dossiers whose verdict needs more than the stored one or that have no paper result.
    """
    db.execute("ALTER TABLE procedures ADD COLUMN paper_result INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE dossiers ADD COLUMN paper_result INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE dossiers ADD COLUMN resolution REAL")
    db.execute("DROP INDEX IF EXISTS dossiers_report_received")
    db.execute("CREATE INDEX dossiers_report_received ON dossiers(field, channel, received_at, paper_result)")
    db.execute("DROP INDEX IF EXISTS dossiers_report_finished")
    db.execute("CREATE INDEX dossiers_report_finished ON dossiers(field, finished_at, timeliness, supplement_count, "
               "extension_count, received_at, due_at, paper_result)")
    db.execute("DROP INDEX IF EXISTS dossiers_report_unfinished")
    db.execute("CREATE INDEX dossiers_report_unfinished ON dossiers(closed_at, field, state, received_at, due_at, "
               "supplement_count, extension_count, paused_at, finished_at) WHERE finished_at IS NULL")
    db.execute("CREATE INDEX dossiers_report_resolution ON dossiers(procedure_code, deadline_unit, finished_at, "
               "resolution) WHERE resolution IS NOT NULL")
    # The few resolved dossiers the plain count of verdicts gets wrong (no stored verdict, more than one
    # supplement request) or that have no paper result: read apart, so a year's count reads two columns.
    db.execute("CREATE INDEX dossiers_report_exceptions ON dossiers(field, finished_at, timeliness, supplement_count, "
               "paper_result, due_at) WHERE finished_at IS NOT NULL AND (timeliness IS NULL OR supplement_count > 1 "
               "OR paper_result = 0)")
    _backfill_resolution(db)


def _backfill_resolution(db: Database) -> None:
    """Resolution times of dossiers finished before 0007, on the unit's calendar as it is now (a step
    may call the rules: a later change of them does not touch rows this step has written)."""
    import json
    from datetime import date, datetime

    from db.calendar_files import decided_years
    from models.calendar import WorkCalendar, decided_first
    from models.dossier_clock import local_naive
    from models.report_rules import resolution_time
    from models.settings import UnitSettings

    if not db.execute("SELECT 1 FROM dossiers WHERE finished_at IS NOT NULL LIMIT 1").fetchone():
        return
    row = db.execute("SELECT value FROM settings WHERE key = 'unit'").fetchone()
    try:
        settings = UnitSettings.from_dict(json.loads(row[0])) if row else UnitSettings()
    except Exception:  # noqa: BLE001 - settings of an older shape: the default office hours
        settings = UnitSettings()
    overrides = {date.fromisoformat(d): k for d, k in db.execute("SELECT day, kind FROM calendar_overrides")}
    calendar = WorkCalendar.from_settings(settings, overrides, public_holidays=decided_first(decided_years()))
    pauses: dict[str, list] = {}
    since: dict[str, datetime] = {}
    for uuid, at, payload in db.execute("SELECT entity_id, at, payload FROM events WHERE entity = 'dossier' "
                                        "AND action = 'move' ORDER BY at, device_id, seq"):
        move = json.loads(payload)
        moment = local_naive(datetime.fromisoformat(at))
        if move.get("to") in ("cho_bo_sung", "cho_nghia_vu_tai_chinh"):
            since.setdefault(uuid, moment)
        elif uuid in since and move.get("from") in ("cho_bo_sung", "cho_nghia_vu_tai_chinh"):
            pauses.setdefault(uuid, []).append((since.pop(uuid), moment))
    rows = db.execute("SELECT id, uuid, deadline_unit, received_at, finished_at FROM dossiers "
                      "WHERE finished_at IS NOT NULL AND resolution IS NULL").fetchall()
    updates = [(resolution_time(calendar, unit_, datetime.fromisoformat(received), datetime.fromisoformat(finished),
                                pauses.get(uuid, ())), row_id)
               for row_id, uuid, unit_, received, finished in rows]
    db.conn.executemany("UPDATE dossiers SET resolution = ? WHERE id = ?", updates)


@migrations(name="0008a_dossier_forms_2025")
def dossier_forms_2025(db: Database) -> None:
    """What the 2025 forms print about a dossier, captured at its receipt (issue #12): the authorised
    person (JSON), where the result goes, a case that needs verification, the deciding and cooperating
    agencies copied from the catalog, and the appointment first given on Mẫu 01 (old rows: their due)."""
    for column in ("delegate TEXT NOT NULL DEFAULT ''", "result_delivery TEXT NOT NULL DEFAULT ''",
                   "needs_verification INTEGER NOT NULL DEFAULT 0", "deciding_agency TEXT NOT NULL DEFAULT ''",
                   "cooperating_agency TEXT NOT NULL DEFAULT ''", "first_due_at TEXT"):
        db.execute(f"ALTER TABLE dossiers ADD COLUMN {column}")
    # The appointment first given is the receive event's due moment; a dossier without one keeps its own.
    # One pass over the events into a keyed temporary table, then one seek per dossier.
    # (SQLite takes a bare column from the row that gives min(): the first receive event's due moment.)
    db.execute("""CREATE TEMP TABLE first_dues AS SELECT entity_id AS uuid, json_extract(payload, '$.due_at') AS due,
        min(id) AS first_id FROM events WHERE entity = 'dossier' AND action = 'receive' GROUP BY entity_id""")
    db.execute("CREATE INDEX temp.first_dues_uuid ON first_dues(uuid)")
    db.execute("""UPDATE dossiers SET first_due_at = coalesce(
        (SELECT due FROM first_dues WHERE first_dues.uuid = dossiers.uuid), due_at)""")
    db.execute("DROP TABLE temp.first_dues")


@migrations(name="0008b_catalog_papers_agencies")
def catalog_papers_agencies(db: Database) -> None:
    """A procedure's papers (one 'name|kind|count' a line), the agency that decides it and the one that
    cooperates, and the longer time for cases that need verification (free text, parsed like the
    processing time) (issue #12, shared/domain.md "Dossiers")."""
    for column in ("papers TEXT NOT NULL DEFAULT ''", "deciding_agency TEXT NOT NULL DEFAULT ''",
                   "cooperating_agency TEXT NOT NULL DEFAULT ''", "verification_text TEXT NOT NULL DEFAULT ''",
                   "sample INTEGER NOT NULL DEFAULT 0"):
        db.execute(f"ALTER TABLE procedures ADD COLUMN {column}")
    # Still the bundled sample: the procedure's latest event is the sample's load (a catalog is small).
    latest: dict[str, str] = {}
    for code, payload in db.execute("SELECT entity_id, payload FROM events WHERE entity = 'procedure' ORDER BY id"):
        latest[code] = payload
    sample = [code for code, payload in latest.items() if "sample_catalog" in str(json.loads(payload).get("source", ""))]
    db.conn.executemany("UPDATE procedures SET sample = 1 WHERE code = ?", [(code,) for code in sample])


@migrations(name="0009_same_code")
def same_code(db: Database) -> None:
    """Two dossiers with one code are both shown (sync/README.md, "Same code"): the one received first keeps
    the code, the other is shown under a new one, and the code on its receipt stays findable as an alias.

    `claimed_code` is the code the receive event gave (the one printed on the citizen's receipt); `code`
    is the code shown, unique. The day/station/sequence index stops being unique (two PCs may have used
    one station number), and stays for finding the next number of the day.
    """
    db.execute("ALTER TABLE dossiers ADD COLUMN claimed_code TEXT")
    db.execute("UPDATE dossiers SET claimed_code = code")
    db.execute("CREATE INDEX dossiers_claimed_code ON dossiers(claimed_code)")
    db.execute("DROP INDEX dossiers_day_station_seq")
    db.execute("CREATE INDEX dossiers_day_station_seq ON dossiers(code_day, station, day_seq)")
    db.execute(
        """CREATE TABLE dossier_aliases (
            code TEXT NOT NULL,                           -- an older code of the dossier (on a printed receipt)
            dossier_uuid TEXT NOT NULL,
            PRIMARY KEY (code, dossier_uuid)
        )"""
    )
    db.execute("CREATE INDEX dossier_aliases_dossier ON dossier_aliases(dossier_uuid)")


@migrations(name="0010_dossier_fees")
def dossier_fees(db: Database) -> None:
    """Fees collected at reception (issue #14): whether the procedure charges one when received, the amount
    in đồng and the number of the fee receipt (biên lai); NULL amount = not collected yet."""
    db.execute("ALTER TABLE dossiers ADD COLUMN fee_required INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE dossiers ADD COLUMN fee_amount INTEGER")
    db.execute("ALTER TABLE dossiers ADD COLUMN fee_receipt TEXT")
    db.execute("CREATE INDEX dossiers_unpaid ON dossiers(received_at) WHERE fee_required = 1 AND fee_amount IS NULL")


@migrations(name="0012_trust")
def trust(db: Database) -> None:
    """Issue #17: each event keyed by this PC (`mac`, HMAC-SHA256 of its hash under the audit key kept in
    the secrets file, db/secret_store.py), and the other devices' Ed25519 public keys as the hub hands them
    out (`peer_keys`), against which USB files and pulled events are checked. The secrets themselves
    (token, unit key, backup key) leave the database when the data folder is opened (db/secrets_move.py)."""
    db.execute("ALTER TABLE events ADD COLUMN mac TEXT")  # NULL on events written before: sealed at open
    db.execute(
        """CREATE TABLE peer_keys (
            device_id TEXT PRIMARY KEY,
            public_key TEXT NOT NULL,                     -- Ed25519, 64 hex characters
            learned_at TEXT NOT NULL
        )"""
    )
