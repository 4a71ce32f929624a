"""The unit's settings: validation in Vietnamese, storage in one transaction with its event."""

from __future__ import annotations

import pytest

from db.device import set_station_number, station_number
from db.events import pending_count
from db.settings_store import load_settings, save_settings, update_settings
from models.errors import UserError
from models.settings import DEFAULT_QR_TEMPLATE, UnitSettings


def test_defaults_are_valid_and_the_qr_template_fills_the_code():
    settings = UnitSettings()
    settings.validate()
    assert settings.qr_url_for("1.001193") == DEFAULT_QR_TEMPLATE.replace("{code}", "1.001193")
    assert settings.effective_dossier_prefix == settings.unit_code


@pytest.mark.parametrize("changes, message", [
    ({"unit_name": "   "}, "Tên đơn vị"),
    ({"unit_code": ""}, "Mã đơn vị"),
    ({"unit_code": "000 17"}, "Mã đơn vị"),
    ({"qr_template": "dichvucong.gov.vn/{code}"}, "http"),
    ({"qr_template": "https://dichvucong.gov.vn/"}, "{code}"),
    ({"morning_start": "7h30"}, "HH:MM"),
    ({"morning_end": "14:00"}, "Giờ làm việc"),
    ({"dossier_prefix": "A B"}, "Tiền tố"),
])
def test_invalid_settings_are_refused_with_a_vietnamese_message(changes, message):
    with pytest.raises(UserError) as caught:
        UnitSettings.from_dict({**UnitSettings().to_dict(), **changes})
    assert message in str(caught.value)


def test_saved_settings_round_trip_normalised_and_record_an_event(db):
    before = pending_count(db)
    update_settings(db, {"unit_name": "  UBND  xã Hu\u031bo\u031b\u0300ng Mai ", "unit_code": "000.17.22.H56",
                         "province": "Bắc Ninh"})
    settings = load_settings(db)
    assert settings.unit_name == "UBND xã Hường Mai"
    assert settings.province == "Bắc Ninh"
    assert pending_count(db) == before + 1
    event = db.execute("SELECT entity, action, payload FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert event[0] == "settings" and "000.17.22.H56" in event[2]


def test_an_invalid_save_changes_nothing(db):
    update_settings(db, {"unit_name": "UBND xã A", "unit_code": "000.00.00.H01"})
    events_before = pending_count(db)
    with pytest.raises(UserError):
        update_settings(db, {"qr_template": "ftp://x/{code}"})
    assert load_settings(db).unit_name == "UBND xã A"
    assert pending_count(db) == events_before
    with pytest.raises(UserError):
        save_settings(db, UnitSettings(unit_name=""))
    assert pending_count(db) == events_before


def test_station_number_is_local_and_checked(db):
    assert station_number(db) == 1
    set_station_number(db, 3)
    assert station_number(db) == 3
    with pytest.raises(UserError):
        set_station_number(db, 10)
    assert station_number(db) == 3


@pytest.mark.parametrize("code", ["000.17.22.H5", "00.17.22.H56", "000.17.22.56H", "000-17-22-H56", "H56",
                                  "000.17.22.Ă56"])
def test_a_unit_code_of_another_shape_never_becomes_the_dossier_prefix(db, code) -> None:
    from models.errors import UserError

    with pytest.raises(UserError, match="ddd.dd.dd.Ldd"):
        update_settings(db, {"unit_code": code})
    assert load_settings(db).effective_dossier_prefix == "000.00.00.H00"  # unchanged


def test_the_unit_code_shape_accepts_the_domain_example_in_any_case() -> None:
    from models.settings import check_unit_code

    assert check_unit_code(" 000.17.22.h56 ") == "000.17.22.H56"


def test_stored_settings_of_an_older_shape_still_open(db) -> None:
    import json

    db.execute("INSERT INTO settings(key, value) VALUES ('unit', ?)",
               [json.dumps({"unit_name": "UBND xã Cũ", "unit_code": "XA-CU"})])
    assert load_settings(db).unit_code == "XA-CU"
