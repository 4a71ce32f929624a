"""`hub report`: the province's figures from the events the hub holds equal the desktop report of the same
dossiers (report_scenario's February 2026 around Tết), per unit and for the province, on both engines."""

from __future__ import annotations

import json
import math
import sys
import time
from datetime import date, datetime
from pathlib import Path

from sync_helpers import OTHER_UNIT, UNIT, enroll, receive

from db.report_queries import build_report
from models.report_period import Period
from models.report_rules import figures
from sync.client import run_sync

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))
from report_scenario import FEBRUARY, NOW, QUARTER, build  # noqa: E402


def _same(mine, theirs) -> bool:
    """Equal, floats to 1e-9 (days are summed by julianday on the desktop, by timedelta on the hub)."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        return mine.keys() == theirs.keys() and all(_same(mine[k], theirs[k]) for k in mine)
    if isinstance(mine, float) and isinstance(theirs, float):
        return math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-9)
    return mine == theirs


def test_hub_figures_equal_the_desktop_report(hub, clients, tmp_path, cli, monkeypatch):
    from sync.hub import store_sql
    from sync.hub.report import hub_report

    monkeypatch.setattr(store_sql, "FACTS_STEP", 7)  # folded in many small steps, a dossier's events split

    a = clients("a", 1)
    enroll(a, hub)
    build(a.db, a.data_dir, tmp_path)
    other = clients("x", 1, unit=OTHER_UNIT)
    enroll(other, hub, unit=OTHER_UNIT)
    receive(other.db, at=datetime(2026, 2, 10, 9, 0))
    for client in (a, other):
        assert run_sync(client.db, client.data_dir).all_acknowledged
    store = hub.store()
    try:
        for first, last in (FEBRUARY, QUARTER, (date(2026, 2, 24), date(2026, 2, 24))):
            desktop = build_report(a.db, Period(first, last), now=NOW)
            hub_figures = hub_report(store, first.isoformat(), last.isoformat(), now=NOW)
            assert hub_figures["units"][UNIT]["received"] == desktop.total.received
            unit = dict(hub_figures["units"][UNIT])
            by_field = unit.pop("by_field")
            assert _same(unit, figures(desktop.total)), (first, last, unit, figures(desktop.total))
            assert _same(by_field, {name: figures(t) for name, t in desktop.by_field.items()}), by_field
            assert hub_figures["averages"].get(UNIT, []) == [a.to_dict() for a in desktop.averages]
            other_unit = hub_figures["units"].get(OTHER_UNIT)
            expected_province = figures(desktop.total)["received"] + (other_unit["received"] if other_unit else 0)
            assert hub_figures["province"]["received"] == expected_province
        assert hub_report(store, *(d.isoformat() for d in FEBRUARY), now=NOW)["units"][OTHER_UNIT]["received"] == 1
        one = hub_report(store, *(d.isoformat() for d in FEBRUARY), OTHER_UNIT, now=NOW)
        assert list(one["units"]) == [OTHER_UNIT] and one["province"]["received"] == 1
    finally:
        store.close()
    assert figures(build_report(a.db, Period(*FEBRUARY), now=NOW).total)["resolved"] > 0  # the scenario resolves some
    result = cli("--data-dir", str(hub.data_dir), "--json", "hub", "report", "--from", "01/02/2026", "--to",
                 "28/02/2026", env=hub.env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["units"][UNIT]["received"] == build_report(a.db, Period(*FEBRUARY),
                                                                                 now=NOW).total.received


def test_a_serving_hub_keeps_the_facts_current_by_itself(make_hub, clients):
    a = clients("a", 1)
    hub = make_hub("facts")
    hub.env["MOTCUA_HUB_FACTS_SECONDS"] = "0.2"
    hub.start()
    enroll(a, hub)
    receive(a.db, at=datetime(2026, 2, 10, 9, 0))
    assert run_sync(a.db, a.data_dir).all_acknowledged
    store = hub.store()
    try:
        deadline = time.monotonic() + 30
        while not store.read_rows("SELECT count(*) FROM dossier_facts", [])[0][0] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert store.read_rows("SELECT unit_code, field FROM dossier_facts", []) == [(UNIT, "Hộ tịch")]
    finally:
        store.close()


def test_a_hub_upgraded_to_the_766_facts_folds_every_dossier_again(hub, clients):
    from sync.hub.report import hub_report
    from sync.hub.store_sql import SqlHubStore

    a = clients("a", 1)
    enroll(a, hub)
    receive(a.db, at=datetime(2026, 2, 10, 9, 0))
    assert run_sync(a.db, a.data_dir).all_acknowledged
    store = hub.store()
    try:
        assert isinstance(store, SqlHubStore)
        assert store.refresh_facts() == 1
        with store._tx() as tx:   # as a hub of schema step 4 left it: facts without the 766 columns
            tx.execute("UPDATE hub_schema SET version = 4")
            tx.execute("UPDATE dossier_facts SET paper_result = 0, counted_online = 1")
    finally:
        store.close()
    store = hub.store()           # the step runs again: the table made anew, the watermark dropped
    try:
        assert store.read_rows("SELECT count(*) FROM dossier_facts", []) == [(0,)]
        figures_ = hub_report(store, "2026-02-01", "2026-02-28", now=NOW)["units"][UNIT]
        assert figures_["received"] == 1 and figures_["in_progress"] == 1
        assert store.read_rows("SELECT paper_result FROM dossier_facts", []) == [(1,)]
    finally:
        store.close()
