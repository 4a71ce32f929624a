"""Two dossiers with one code: both are shown, the one received first keeps the code (sync/README.md).

A code can still be given twice (two PCs with one station number working apart, a PC restored from an
old backup, a PC enrolled late or syncing by USB only). Hiding either dossier would hide a citizen's
file, so every dossier whose receive event claims a code is shown: among the claimants the first in the
order (at, device_id, seq) of their receive events keeps the code, the k-th is shown as `<code>-k`. The
rule reads the receive events only, so every PC holding them shows the same codes whatever order they
arrived in. The code printed on a receipt stays findable as an alias (table `dossier_aliases`, and the
search text). The PC that received a renamed dossier records it as a 'recode' event (its timeline, and
the other PCs', say so), and a conflict `same_code` marks both dossiers' timelines and the Đồng bộ screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from db.events import events_for, record_event
from db.rows import column, named, scalar
from models.session import current_user
from sync.conflicts import Conflict, store_conflicts
from sync.fold_dossier import FoldedDossier, fold_dossier

KIND = "same_code"
_CHANGED = "_motcua_recoded"  # on the connection: dossiers whose shown code changed in this transaction


@dataclass(frozen=True)
class Claim:
    """A receive event's claim on a code: the dossier, the code on its receipt, and when it came."""

    uuid: str
    claimed: str
    key: tuple  # (at, device_id, seq) of the receive event; () for a row without events (kept first)


def renamed(code: str, rank: int) -> str:
    """The code shown for the rank-th claimant (rank ≥ 2): the receipt's code with a suffix, e.g. '…-1001-2'."""
    return f"{code}-{rank}"


def assign_codes(claims: Iterable[Claim]) -> dict[str, str]:
    """uuid -> the code shown: per claimed code, the first claimant keeps it, the k-th gets renamed(code, k)."""
    groups: dict[str, list[Claim]] = {}
    for claim in claims:
        groups.setdefault(claim.claimed, []).append(claim)
    shown: dict[str, str] = {}
    for code, members in groups.items():
        for rank, claim in enumerate(sorted(members, key=lambda c: (c.key, c.uuid)), start=1):
            shown[claim.uuid] = code if rank == 1 else renamed(code, rank)
    return shown


def aliases_of(claimed: str | None, recoded: Iterable[str], code: str) -> list[str]:
    """Older codes a citizen or a clerk may hold: the receipt's and any a 'recode' event named, not the shown one."""
    found: list[str] = []
    for alias in (claimed, *recoded):
        if alias and alias != code and alias not in found:
            found.append(alias)
    return found


@dataclass
class Member:
    """One claimant of a code as stored, with what its events say."""

    uuid: str
    folded: FoldedDossier

    @property
    def claim(self) -> Claim:
        return Claim(self.uuid, self.folded.claimed_code or "", self.folded.receive_key or ())


def members_of(db: Database, code: str, known: dict[str, FoldedDossier]) -> list[Member]:
    """The dossiers whose receipt has `code` (or that show it), folded; `known` are folds already made."""
    uuids = set(column(db, "SELECT uuid FROM dossiers WHERE claimed_code = ? OR code = ?", [code, code]))
    uuids |= {uuid for uuid, folded in known.items() if folded.claimed_code == code}
    members = []
    for uuid in sorted(uuids):
        folded = known.get(uuid) or fold_dossier(events_for(db, "dossier", uuid))
        if folded.values is None:  # a row with no events (loaded, not received): it holds its code
            shown = scalar(db, "SELECT code FROM dossiers WHERE uuid = ?", [uuid])
            folded = FoldedDossier(values={"code": shown}, receive_key=())
        if folded.claimed_code == code:
            members.append(Member(uuid, folded))
    return members


def plan(members: list[Member]) -> dict[str, tuple[str, list[str]]]:
    """uuid -> (code shown, aliases) for one group of claimants."""
    shown = assign_codes(m.claim for m in members)
    return {m.uuid: (shown[m.uuid], aliases_of(m.folded.claimed_code, m.folded.recoded, shown[m.uuid]))
            for m in members}


def make_room(db: Database, targets: dict[str, str]) -> None:
    """Move every stored dossier whose code changes to a temporary code first, so the codes can be swapped
    around without meeting the unique index halfway."""
    for uuid, code in targets.items():
        db.execute("UPDATE dossiers SET code = '~' || uuid WHERE uuid = ? AND code != ?", [uuid, code])


def write_aliases(db: Database, uuid: str, aliases: list[str]) -> None:
    stored = set(column(db, "SELECT code FROM dossier_aliases WHERE dossier_uuid = ?", [uuid]))
    if stored == set(aliases):
        return
    db.execute("DELETE FROM dossier_aliases WHERE dossier_uuid = ?", [uuid])
    db.conn.executemany("INSERT INTO dossier_aliases (code, dossier_uuid) VALUES (?, ?)",
                        [(alias, uuid) for alias in aliases])


def note_changed(db: Database, uuid: str) -> None:
    """Remember that this dossier's shown code changed (record_recodes reads it after the rebuild)."""
    changed = getattr(db, _CHANGED, None)
    if changed is None:
        changed = set()
        setattr(db, _CHANGED, changed)
    changed.add(uuid)


def take_changed(db: Database) -> set[str]:
    changed = getattr(db, _CHANGED, None) or set()
    setattr(db, _CHANGED, set())
    return changed


def _when(key: tuple) -> str:
    try:
        return datetime.fromisoformat(key[0]).strftime("%H:%M %d/%m/%Y")
    except (IndexError, TypeError, ValueError):
        return "?"


def _who(folded: FoldedDossier) -> str:
    values = folded.values or {}
    name = values.get("applicant_name") or values.get("organisation") or "?"
    device = folded.receive_key[1][:8] if folded.receive_key else "?"
    return f"{name} (máy {device}, tiếp nhận {_when(folded.receive_key or ())})"


def group_conflicts(members: list[Member], targets: dict[str, tuple[str, list[str]]]) -> dict[str, list[Conflict]]:
    """The note on each claimant's timeline: who kept the code, who was renamed and to what."""
    if len(members) < 2:
        return {m.uuid: [] for m in members}
    ordered = sorted(members, key=lambda m: (m.claim.key, m.uuid))
    first, code = ordered[0], ordered[0].claim.claimed
    found: dict[str, list[Conflict]] = {}
    others = ", ".join(f"{targets[m.uuid][0]} ({_who(m.folded)})" for m in ordered[1:])
    event = first.folded.receive_uuid or first.uuid
    found[first.uuid] = [Conflict(event, KIND, "applied", (
        f"Trùng mã hồ sơ: mã {code} cũng đã được cấp cho hồ sơ tiếp nhận sau, nay mang mã mới: {others}. "
        f"Hồ sơ này giữ mã {code}. Khi công dân mang giấy tiếp nhận mã {code} đến, hãy đối chiếu tên người nộp."))]
    for member in ordered[1:]:
        new = targets[member.uuid][0]
        found[member.uuid] = [Conflict(member.folded.receive_uuid or member.uuid, KIND, "applied", (
            f"Trùng mã hồ sơ: mã {code} đã cấp cho hồ sơ tiếp nhận trước, {_who(first.folded)}. Hồ sơ này "
            f"đổi sang mã {new}; mã cũ {code} trên giấy tiếp nhận vẫn tra cứu được. Hãy in lại giấy tiếp nhận "
            "có mã mới cho công dân."))]
    return found


def store_group_conflicts(db: Database, members: list[Member], targets: dict) -> int:
    new = 0
    for uuid, conflicts in group_conflicts(members, targets).items():
        new += store_conflicts(db, "dossier", uuid, conflicts, only_kind=KIND)
    return new


def record_recodes(db: Database, me: str, uuids: Iterable[str]) -> int:
    """This PC's dossiers whose shown code is not the one it last stated get a 'recode' event (inside the
    caller's transaction): the renaming is then in the log, on this PC's and every other PC's timeline."""
    recorded = 0
    if current_user() is None:  # nobody signed in to record it for (not a path MotCua takes): the code and
        return 0                # the note stand by the rule, only this note-event is not written
    for uuid in sorted(uuids):
        row = named(db, "SELECT code, claimed_code FROM dossiers WHERE uuid = ?", [uuid]).fetchone()
        if row is None:
            continue
        folded = fold_dossier(events_for(db, "dossier", uuid))
        if not folded.receive_key or folded.receive_key[1] != me or folded.stated_code == row["code"]:
            continue
        record_event(db, entity="dossier", entity_id=uuid, action="recode",  # by whoever runs the sync
                     payload={"from": folded.stated_code, "to": row["code"], "claimed_code": row["claimed_code"],
                              "reason": KIND})
        recorded += 1
    return recorded
