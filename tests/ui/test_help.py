"""F1 opens the bundled Vietnamese guide on the page of the screen in front (issue #14)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument

from models.resources import resource_path, resources_dir
from ui.help_dialog import PAGES
from ui.main_window import MainWindow
from ui.strings import AREAS


def test_every_area_has_a_page_and_every_link_and_picture_exists():
    folder = resource_path("help")
    for key, _label, _shortcut in AREAS:
        assert (folder / PAGES[key]).exists(), key
    for page in folder.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        for link in re.findall(r'href="([^"#]+)"', text):
            assert (folder / link).exists(), (page.name, link)
        for picture in re.findall(r'src="([^"]+)"', text):
            assert (resources_dir().parent / picture).exists(), (page.name, picture)


@pytest.mark.parametrize("area", ["reception", "dossiers", "sync"])
def test_f1_opens_the_page_of_the_screen_in_front(qtbot, context, area):
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.show_area(area)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.help_dialog
    qtbot.addWidget(dialog)
    assert dialog.page() == PAGES[area]
    assert "Mục lục" in dialog.browser.toPlainText()
    picture = dialog.browser.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                          QUrl(f"screenshots/{_picture(PAGES[area])}"))
    assert picture is not None and len(picture) > 1000  # the screenshot is found offline
    dialog.close()


def _picture(page: str) -> str:
    text = resource_path("help", page).read_text(encoding="utf-8")
    return re.search(r'src="screenshots/([^"]+)"', text).group(1)
