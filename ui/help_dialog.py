"""F1: the Vietnamese user guide bundled in resources/help/ (offline), opened on the current screen's page."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.resources import resource_path, resources_dir
from ui import strings

# Area key (ui.strings.AREAS) -> its page; the pages show the PNGs of screenshots/ (scripts/screenshots.py).
PAGES = {"reception": "tiep-nhan.html", "dossiers": "ho-so.html", "catalog": "danh-muc.html",
         "posting": "niem-yet.html", "reports": "bao-cao.html", "sync": "dong-bo.html",
         "settings": "cai-dat.html", "backup": "sao-luu.html", "first_day": "bat-dau.html"}
INDEX = "index.html"


def help_folder():
    return resource_path("help")


class HelpDialog(QDialog):
    """A small browser over the bundled pages; links between pages and back/forward work offline."""

    def __init__(self, page: str = INDEX, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Hướng dẫn sử dụng MotCua")
        self.resize(900, 640)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        # screenshots/ lies beside resources/ (in the bundle too: pyinstaller.spec copies it)
        self.browser.setSearchPaths([str(help_folder()), str(resources_dir().parent)])
        back, home, forward = QPushButton("◀ Quay lại"), QPushButton("Mục lục"), QPushButton("Tiếp ▶")
        back.clicked.connect(self.browser.backward)
        forward.clicked.connect(self.browser.forward)
        home.clicked.connect(lambda: self.open_page(INDEX))
        self.browser.backwardAvailable.connect(back.setEnabled)
        self.browser.forwardAvailable.connect(forward.setEnabled)
        back.setEnabled(False)
        forward.setEnabled(False)
        back.setToolTip("Chưa có trang trước để quay lại")
        forward.setToolTip("Chưa có trang sau để đi tiếp")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(strings.CLOSE)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        for button in (back, home, forward):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        self.open_page(page)

    def open_page(self, page: str) -> None:
        self.browser.setSource(QUrl(page))  # relative: found in the search paths, pictures too

    def page(self) -> str:
        return self.browser.source().fileName()


def page_for(area: str) -> str:
    return PAGES.get(area, INDEX)
