"""Regenerate screenshots/ from the real app on a fresh sample data folder (offscreen Qt).

    .venv/bin/python scripts/screenshots.py

Each main area is shown in the main window and grabbed to a PNG; look at them after a UI change:
cut-off Vietnamese text and cramped tables are bugs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from db.data_folder import mark_first_run_done  # noqa: E402
from db.settings_store import update_settings  # noqa: E402
from ui.app import create_application, open_context  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

OUT = ROOT / "screenshots"
SHOTS = [("reception", "01-tiep-nhan"), ("dossiers", "02-ho-so"), ("catalog", "03-danh-muc"),
         ("posting", "04-in-niem-yet"), ("reports", "05-bao-cao"), ("sync", "06-dong-bo"),
         ("settings", "07-cai-dat")]


def main() -> int:
    app = create_application()
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        context = open_context(Path(folder) / "du-lieu")
        from db.accounts import ensure_admin
        from models.session import sign_in

        sign_in(ensure_admin(context.db, "admin", "mat-khau-mau", "Quản trị mẫu").user)  # as after signing in
        update_settings(context.db, {"unit_name": "UBND xã Mẫu (dữ liệu mẫu)", "province": "Tỉnh Mẫu"})
        mark_first_run_done(context.db)
        window = MainWindow(context)
        window.resize(1280, 800)
        window.show()
        for area, name in SHOTS:
            window.show_area(area)
            QApplication.processEvents()
            path = OUT / f"{name}.png"
            window.grab().save(str(path))
            print(path.relative_to(ROOT))
        window.close()
        context.db.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
