"""What an errand changed, as a small typed value (Anki's OpChanges), so screens refresh only what they show.

A service returns `Changes`; the window broadcasts it once; each screen asks the fields it cares about
(`changes.dossiers_changed`, `changes.catalog`...) and never filters strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    dossier_codes: frozenset[str] = frozenset()  # these dossiers changed
    all_dossiers: bool = False                   # any dossier may have changed (sync, import)
    catalog: bool = False
    calendar: bool = False                       # due dates may shift
    settings: bool = False                       # unit settings, dossier rules, station number
    accounts: bool = False                       # users, roles, idle lock
    ratings: bool = False
    audit: bool = False                          # new events worth re-reading in the audit list
    sync: bool = False                           # sync state (pending, last result, conflicts)
    restore: bool = False                        # the whole database was replaced: everything is new

    @classmethod
    def dossiers(cls, codes: Iterable[str]) -> Changes:
        return cls(dossier_codes=frozenset(codes))

    @classmethod
    def everything(cls) -> Changes:
        """A restore or an explicit refresh: every screen re-reads."""
        return cls(all_dossiers=True, catalog=True, calendar=True, settings=True, accounts=True,
                   ratings=True, audit=True, sync=True, restore=True)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.dossier_codes | other.dossier_codes,
                       **{name: getattr(self, name) or getattr(other, name) for name in _FLAGS})

    def __bool__(self) -> bool:
        return bool(self.dossier_codes) or any(getattr(self, name) for name in _FLAGS)

    # ----- what a screen asks

    @property
    def dossiers_changed(self) -> bool:
        """A dossier list, count or figure may be stale (a calendar change moves due dates)."""
        return bool(self.dossier_codes) or self.all_dossiers or self.restore or self.calendar

    def touches_dossier(self, code: str) -> bool:
        return code in self.dossier_codes or self.all_dossiers or self.restore or self.calendar

    @property
    def catalog_changed(self) -> bool:
        return self.catalog or self.restore

    @property
    def settings_changed(self) -> bool:
        return self.settings or self.restore

    @property
    def calendar_changed(self) -> bool:
        return self.calendar or self.restore

    @property
    def events_written(self) -> bool:
        """Anything that writes an event: the audit list and the pending sync count are stale."""
        return bool(self) and self != Changes(sync=True)


_FLAGS = ("all_dossiers", "catalog", "calendar", "settings", "accounts", "ratings", "audit", "sync", "restore")
