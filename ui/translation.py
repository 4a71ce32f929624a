"""Qt's own texts in Vietnamese and the Vietnamese locale, installed once when the application starts.

PySide6 has no Vietnamese translation of Qt; resources/translations/qt_vi.qm (from qt_vi.ts, compiled by
scripts/qt_vi_ts.py with PySide6's lrelease) covers what MotCua shows: the right-click menu of text
boxes, spin boxes, standard buttons, and the file and print dialogs Qt draws itself. The vi_VN locale
gives Vietnamese month and day names in calendars and dates.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from models.resources import resource_path

VIETNAMESE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def install_vietnamese(app: QCoreApplication) -> bool:
    """Set the default locale to vi_VN and load qt_vi.qm (once per application); False if it is missing."""
    QLocale.setDefault(VIETNAMESE)
    if getattr(app, "_motcua_translator", None) is not None:
        return True
    translator = QTranslator(app)
    if not translator.load(str(resource_path("translations", "qt_vi.qm"))):
        return False
    app.installTranslator(translator)
    app._motcua_translator = translator  # kept alive with the application
    return True
