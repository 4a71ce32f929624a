"""The hub's schema as numbered steps, one text per engine, run at start (a newer schema is refused)."""

# Same rule as the desktop's db/migrations.py: steps are appended, never edited; `hub_schema` holds the
# number of the last step applied. A hub program older than its database stops rather than write into
# tables it does not know. SQLite and PostgreSQL get the same tables; only the types differ (an
# AUTOINCREMENT rowid vs an identity column, TEXT COLLATE "C" so ISO moments compare byte by byte as in
# SQLite whatever the database's locale).

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    name: str
    sqlite: str
    postgres: str


class SchemaTooNew(Exception):
    """The database was written by a newer hub program."""


_V1_SQLITE = """
CREATE TABLE IF NOT EXISTS units (unit_code TEXT PRIMARY KEY, unit_key TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS devices (
    token_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, usb_key TEXT NOT NULL,
    unit_code TEXT NOT NULL REFERENCES units(unit_code), device_id TEXT UNIQUE, station INTEGER,
    note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, enrolled_at TEXT);
CREATE TABLE IF NOT EXISTS events (
    server_seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE, unit_code TEXT NOT NULL,
    device_id TEXT NOT NULL, seq INTEGER NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, entity TEXT NOT NULL,
    entity_id TEXT NOT NULL, action TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL, received_at TEXT NOT NULL, UNIQUE (device_id, seq));
CREATE INDEX IF NOT EXISTS events_unit_seq ON events(unit_code, server_seq);
"""
_V1_POSTGRES = """
CREATE TABLE units (unit_code TEXT COLLATE "C" PRIMARY KEY, unit_key TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE devices (
    token_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, usb_key TEXT NOT NULL,
    unit_code TEXT COLLATE "C" NOT NULL REFERENCES units(unit_code), device_id TEXT UNIQUE, station INTEGER,
    note TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL, enrolled_at TEXT);
CREATE TABLE events (
    server_seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, uuid TEXT NOT NULL UNIQUE,
    unit_code TEXT COLLATE "C" NOT NULL, device_id TEXT NOT NULL, seq BIGINT NOT NULL, actor TEXT NOT NULL,
    at TEXT COLLATE "C" NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL, action TEXT NOT NULL,
    payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, received_at TEXT NOT NULL,
    UNIQUE (device_id, seq));
CREATE INDEX events_unit_seq ON events(unit_code, server_seq);
"""

# Province administrators (no device, no unit: they publish and read figures, never push or pull);
# hub_meta (small settings: the report's watermark); dossier_facts, one row per dossier folded from its
# events, which the province report aggregates (moments as whole seconds of local time, *_s: integers
# compare several times faster than text in a year's scan); the dossier/rating events of one dossier found
# by entity_id.
_V2 = """
CREATE TABLE admins (token_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL);
CREATE TABLE hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE dossier_facts (
    uuid TEXT PRIMARY KEY, unit_code TEXT{c} NOT NULL, field TEXT{c} NOT NULL, state TEXT NOT NULL,
    channel TEXT NOT NULL, received_s BIGINT NOT NULL, due_s BIGINT, finished_s BIGINT, closed_s BIGINT,
    cls TEXT, days {real}, online INTEGER NOT NULL, running INTEGER NOT NULL, bits INTEGER NOT NULL,
    digitised INTEGER NOT NULL, rating TEXT, rated_s BIGINT, rating_field TEXT{c});
CREATE INDEX dossier_facts_unit ON dossier_facts(unit_code, field);
CREATE INDEX events_dossier ON events(entity_id) WHERE entity IN ('dossier', 'rating');
"""

# Station numbers handed out by the hub (issue #15, sync/README.md "Station numbers"): one row per token, keyed
# (unit_code, station); a hub made before fills it once from the numbers its PCs reported at enrollment (the
# first enrolled keeps a number two PCs reported). Each PC's pull position, to count per PC the dossiers
# another PC has not pulled yet, and the index that counts them.
_V3 = """
CREATE TABLE stations (
    unit_code TEXT{c} NOT NULL REFERENCES units(unit_code), station INTEGER NOT NULL CHECK (station BETWEEN 1 AND 9),
    token_id TEXT NOT NULL UNIQUE REFERENCES devices(token_id), assigned_at TEXT NOT NULL,
    PRIMARY KEY (unit_code, station));
INSERT INTO stations (unit_code, station, token_id, assigned_at)
    SELECT unit_code, station, token_id, coalesce(enrolled_at, created_at) FROM devices
    WHERE device_id IS NOT NULL AND station BETWEEN 1 AND 9 ORDER BY enrolled_at, created_at
    ON CONFLICT DO NOTHING;
CREATE TABLE pulled (device_id TEXT PRIMARY KEY, upto {big} NOT NULL, at TEXT NOT NULL);
CREATE INDEX events_receives ON events(device_id, server_seq) WHERE entity = 'dossier' AND action = 'receive';
"""

# Issue #17: each device's Ed25519 public key (recorded at enrollment) and each event's signature by uuid.
_V4 = """
CREATE TABLE IF NOT EXISTS device_keys (device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, recorded_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_sigs (uuid TEXT PRIMARY KEY, sig TEXT NOT NULL);
"""

# The figures the QĐ 766 way (issue #16, "Province figures"; models/report_rules.py): dossier_facts made
# again with what it needs beyond step 2 (the procedure's paper result, supplement and extension counts,
# the pause, the verdict of a dossier ended without result, the online count with the electronic-result
# condition, the resolution time in the procedure's own unit). Facts are derived data: the watermark is
# dropped, so the next refresh folds every dossier again from its events.
_FACTS_766 = """
DROP TABLE IF EXISTS dossier_facts;
CREATE TABLE dossier_facts (
    uuid TEXT PRIMARY KEY, unit_code TEXT{c} NOT NULL, field TEXT{c} NOT NULL, state TEXT NOT NULL,
    channel TEXT NOT NULL, received_s {big} NOT NULL, due_s {big}, finished_s {big}, closed_s {big},
    cls TEXT, days {real}, online INTEGER NOT NULL, running INTEGER NOT NULL, bits INTEGER NOT NULL,
    digitised INTEGER NOT NULL, rating TEXT, rated_s {big}, rating_field TEXT{c},
    paper_result INTEGER NOT NULL, supplements INTEGER NOT NULL, extensions INTEGER NOT NULL, paused_s {big},
    ended_timely INTEGER, counted_online INTEGER NOT NULL, procedure_code TEXT{c} NOT NULL, deadline_unit TEXT{c},
    resolution {real});
CREATE INDEX dossier_facts_unit ON dossier_facts(unit_code, field);
DELETE FROM hub_meta WHERE key = 'facts_server_seq'
"""

STEPS: tuple[Step, ...] = (
    Step(1, "0001_events_devices", _V1_SQLITE, _V1_POSTGRES),
    Step(2, "0002_admins_facts", _V2.format(c="", real="REAL"), _V2.format(c=' COLLATE "C"', real="DOUBLE PRECISION")),
    Step(3, "0003_stations_pulled", _V3.format(c="", big="INTEGER"), _V3.format(c=' COLLATE "C"', big="BIGINT")),
    Step(4, "0004_device_keys", _V4, _V4),
    # Derived data made again (DROP + CREATE), so it may run again after a test resets the version.
    Step(5, "0005_facts_766", _FACTS_766.format(c="", big="BIGINT", real="REAL"),
         _FACTS_766.format(c=' COLLATE "C"', big="BIGINT", real="DOUBLE PRECISION")),
)
CURRENT = STEPS[-1].number
VERSION_TABLE = "CREATE TABLE IF NOT EXISTS hub_schema (version INTEGER NOT NULL)"


def pending_steps(version: int) -> list[Step]:
    """The steps after `version`; SchemaTooNew when the database is ahead of this program."""
    if version > CURRENT:
        raise SchemaTooNew(f"Cơ sở dữ liệu máy chủ có lược đồ số {version}, mới hơn chương trình này (số "
                           f"{CURRENT}): hãy cài bản MotCua mới hơn cho máy chủ. Không có gì bị thay đổi.")
    return [step for step in STEPS if step.number > version]


def statements(script: str) -> list[str]:
    """A script split into statements (none of ours holds a ';' inside a literal)."""
    return [part.strip() for part in script.split(";") if part.strip()]
