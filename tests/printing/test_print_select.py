"""Choosing what to print: filters, code order, and the cards' default of essential services."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import replace

import pytest
from printing_checks import SETTINGS, make_catalog, render_pages

from models.catalog import Procedure
from models.errors import UserError
from printing import default_essential_only, render_sheet, select_procedures
from printing.markup import deadline_label, parent_authority, roman
from printing.select import group_by_field


@pytest.fixture
def catalog():
    procedures = make_catalog(30, fields=4)
    procedures[1] = replace(procedures[1], active=False)
    return procedures


def test_only_active_in_catalog_order(catalog):
    chosen = select_procedures(catalog)
    assert chosen == [p for p in catalog if p.active]
    assert catalog[1] not in chosen


def test_fields_after_clean_text_ignoring_case(catalog):
    decomposed = unicodedata.normalize("NFD", "  HỘ   TỊCH ")
    chosen = select_procedures(catalog, fields=[decomposed, "chứng thực"])
    assert chosen and {p.field for p in chosen} == {"Hộ tịch", "Chứng thực"}
    assert [p for p in catalog if p.active and p.field in ("Hộ tịch", "Chứng thực")] == chosen
    assert select_procedures(catalog, fields=["Không có"]) == []


def test_essential_only(catalog):
    chosen = select_procedures(catalog, essential_only=True)
    assert chosen and all(p.essential and p.active for p in chosen)
    assert len(chosen) == sum(p.essential and p.active for p in catalog)


def test_codes_keep_the_given_order(catalog):
    codes = [catalog[9].code, catalog[2].code.lower(), catalog[5].code, catalog[9].code]
    assert select_procedures(catalog, codes=codes) == [catalog[9], catalog[2], catalog[5]]


def test_unknown_or_retired_code_is_a_user_error(catalog):
    with pytest.raises(UserError, match="9.999"):
        select_procedures(catalog, codes=["9.999"])
    with pytest.raises(UserError, match=catalog[1].code):
        select_procedures(catalog, codes=[catalog[1].code])


def test_filters_combine(catalog):
    chosen = select_procedures(catalog, fields=["Hộ tịch"], essential_only=True)
    assert chosen and all(p.field == "Hộ tịch" and p.essential for p in chosen)


def test_cards_default_to_essential_services():
    assert default_essential_only("cards", None, None) is True
    assert default_essential_only("cards", ["Hộ tịch"], None) is False
    assert default_essential_only("cards", None, ["1.000001"]) is False
    assert default_essential_only("list", None, None) is False


def test_render_sheet_applies_the_default(catalog):
    essential = [p for p in catalog if p.active and p.essential]
    buffer = io.BytesIO()
    render_sheet("cards", catalog, SETTINGS, buffer)
    found = {code.text for page in render_pages(buffer.getvalue()) for code in page.codes}
    assert found == {p.qr_url(SETTINGS) for p in essential}
    buffer = io.BytesIO()
    render_sheet("cards", catalog, SETTINGS, buffer, essential_only=False, codes=[catalog[3].code])
    assert {c.text for page in render_pages(buffer.getvalue()) for c in page.codes} == {
        catalog[3].qr_url(SETTINGS)}


def test_render_sheet_errors(catalog):
    with pytest.raises(UserError):
        render_sheet("poster", catalog, SETTINGS, io.BytesIO())
    none_essential = [replace(p, essential=False) for p in catalog]
    with pytest.raises(UserError, match="thiết yếu"):
        render_sheet("cards", none_essential, SETTINGS, io.BytesIO())


def test_grouping_keeps_first_appearance_and_names_empty_field():
    procedures = [Procedure("a", "A", field="Đất đai"), Procedure("b", "B", field=""),
                  Procedure("c", "C", field="đất  đai")]
    groups = group_by_field(procedures)
    assert [(name, [p.code for p in members]) for name, members in groups] == [
        ("Đất đai", ["a", "c"]), ("Khác", ["b"])]


def test_small_helpers():
    assert [roman(n) for n in (1, 4, 9, 13, 14, 40)] == ["I", "IV", "IX", "XIII", "XIV", "XL"]
    assert deadline_label(Procedure("a", "A", deadline_value=5, deadline_unit="working_days")) == (
        "5 ngày làm việc")
    assert deadline_label(Procedure("a", "A", deadline_value=0.5, deadline_unit="working_hours")) == (
        "0,5 giờ làm việc")
    assert deadline_label(Procedure("a", "A", deadline_text="03 ngày", deadline_value=3,
                                    deadline_unit="working_days")) == "03 ngày"
    assert deadline_label(Procedure("a", "A", deadline_text="03 ngày", deadline_value=2,
                                    deadline_unit="working_days", deadline_set_by_clerk=True)) == (
        "2 ngày làm việc")
    assert parent_authority(replace(SETTINGS, province="Nghệ An")) == "UBND TỈNH NGHỆ AN"
    assert parent_authority(replace(SETTINGS, province="Thành phố Hà Nội")) == "UBND THÀNH PHỐ HÀ NỘI"
    assert parent_authority(replace(SETTINGS, province="", district="Yên Thành")) == "UBND HUYỆN YÊN THÀNH"
    assert parent_authority(replace(SETTINGS, province="", district="")) == ""
