"""Regenerate screenshots/ from the real app on a fresh sample data folder (offscreen Qt).

    .venv/bin/python scripts/screenshots.py                      # 1366×728 into screenshots/
    .venv/bin/python scripts/screenshots.py --size 1920x1040 --scale 1.5 --out /tmp/shots

Each main area is shown in the main window (at the usable size of a 1366×768 screen by default) and
grabbed to a PNG, then the dialogs that change data; look at them after a UI change: cut-off Vietnamese
text and cramped tables are bugs. The help pages (resources/help/) show these same PNGs.
"""

from __future__ import annotations

import argparse  # noqa: E402 - read before Qt starts: the scale factor must be set first
import os
import sys
import tempfile
from pathlib import Path

_ARGS = argparse.ArgumentParser(description="Chụp màn hình mọi màn hình của MotCua")
_ARGS.add_argument("--size", default="1366x728", help="kích thước cửa sổ RỘNGxCAO (mặc định 1366x728)")
_ARGS.add_argument("--scale", default="", help="QT_SCALE_FACTOR, ví dụ 1.25 hoặc 1.5")
_ARGS.add_argument("--out", default="", help="thư mục ảnh (mặc định screenshots/)")
ARGS = _ARGS.parse_args()
if ARGS.scale:
    os.environ["QT_SCALE_FACTOR"] = ARGS.scale
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from datetime import datetime, timedelta  # noqa: E402

from PySide6.QtWidgets import QApplication  # noqa: E402

from db.data_folder import mark_first_run_done  # noqa: E402
from db.settings_store import update_settings  # noqa: E402
from ui.app import create_application, open_context  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

OUT = Path(ARGS.out) if ARGS.out else ROOT / "screenshots"
SIZE = tuple(int(part) for part in ARGS.size.lower().split("x"))
SHOTS = [("reception", "01-tiep-nhan"), ("dossiers", "02-ho-so"), ("catalog", "03-danh-muc"),
         ("posting", "04-in-niem-yet"), ("reports", "05-bao-cao"), ("sync", "06-dong-bo"),
         ("settings", "07-cai-dat")]


# Sample people for the screenshots (invented names, labelled as samples like the rest of the data).
SAMPLE_PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thị Dung", "Đỗ Minh Đức",
                 "Hoàng Thị Hà", "Vũ Quang Huy", "Bùi Thị Lan", "Đặng Văn Long", "Ngô Thị Mai"]
SAMPLE_PROCEDURES = ["1.001193", "1.000894", "2.000815", "1.004222", "1.004194", "2.001019", "1.004873"]


def seed_sample_dossiers(db) -> None:
    """About forty dossiers over the last three months in every state, so the screens show real rows."""
    from db.dossier_store import move_dossier, receive_dossier
    from models.dossier_applicant import make_applicant

    today = datetime.now().replace(hour=9, minute=0, second=0, microsecond=0)
    paths = [[], ["dang_xu_ly"], ["dang_xu_ly", "co_ket_qua"], ["dang_xu_ly", "co_ket_qua", "da_tra"],
             ["cho_bo_sung"], ["dang_xu_ly", "co_ket_qua", "da_tra"], ["rut_ho_so"]]
    for index in range(42):
        received = today - timedelta(days=90 - index * 2, hours=index % 3)
        while received.weekday() >= 5:
            received -= timedelta(days=1)
        person = make_applicant(name=SAMPLE_PEOPLE[index % len(SAMPLE_PEOPLE)],
                                phone=f"09{index:08d}", address="Thôn Mẫu, xã Mẫu")
        dossier = receive_dossier(db, procedure_code=SAMPLE_PROCEDURES[index % len(SAMPLE_PROCEDURES)],
                                  applicant=person, channel=["truc_tiep", "truc_tuyen"][index % 2],
                                  received_at=received)
        for step, state in enumerate(paths[index % len(paths)], start=1):
            move_dossier(db, dossier.code, state, at=min(received + timedelta(hours=4 * step), today),
                         note="Dữ liệu mẫu")


def prepare_area(window, area: str) -> None:
    """Put each screen in the state a clerk would see it in: a dossier open, a sheet previewed."""
    widget = window.area_widgets[area]
    if area == "dossiers":
        wait_until(lambda: not widget.busy())
        code = widget.model.dossier(0).code
        widget.open_code(code)
    elif area == "reports":
        widget.set_preset("quarter")
        widget.refresh()
        wait_until(lambda: widget.worker is None and widget.report is not None)
    elif area == "posting":
        worker = widget.start_preview()
        if worker is not None:
            wait_until(lambda: widget.preview is not None)


def shoot_dialogs(window, context) -> None:
    """The dialogs that change data, as they open (each with its cursor in its first box)."""
    from db.dossier_queries import list_dossiers
    from ui.accounts_dialog import AccountsDialog
    from ui.backup_dialog import BackupDialog
    from ui.dossier_move_dialog import MoveDialog
    from ui.settings_dialog import SettingsDialog

    dossier = next(d for d in list_dossiers(context.db, limit=50) if d.state == "dang_xu_ly")
    dialogs = [("08-chuyen-trang-thai", MoveDialog(context, dossier, "cho_bo_sung", window)),
               ("09-cai-dat-don-vi", SettingsDialog(context, window)),
               ("10-sao-luu", BackupDialog(context, window)),
               ("11-tai-khoan", AccountsDialog(context, window))]
    from ui.audit_screen import AuditScreen

    audit = AuditScreen(context)
    audit.resize(min(SIZE[0], 1000), min(SIZE[1], 600))
    dialogs.append(("12-nhat-ky", audit))
    from ui.help_dialog import HelpDialog

    dialogs.append(("13-huong-dan", HelpDialog("tiep-nhan.html", window)))
    for name, dialog in dialogs:
        dialog.show()
        QApplication.processEvents()
        wait_until(lambda: True, 0.2)
        path = OUT / f"{name}.png"
        dialog.grab().save(str(path))
        print(path)
        dialog.close()


def wait_until(condition, seconds: float = 60) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)


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
        seed_sample_dossiers(context.db)
        window = MainWindow(context)
        window.resize(*SIZE)
        window.show()
        for area, name in SHOTS:
            window.show_area(area)
            QApplication.processEvents()
            prepare_area(window, area)
            QApplication.processEvents()
            path = OUT / f"{name}.png"
            window.grab().save(str(path))
            print(path)
        shoot_dialogs(window, context)
        window.close()
        context.db.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
