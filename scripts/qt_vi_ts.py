"""Write resources/translations/qt_vi.ts (Qt's own texts MotCua shows, in Vietnamese) and compile it.

    .venv/bin/python scripts/qt_vi_ts.py           # rewrite the .ts from the table below, then the .qm
    .venv/bin/python scripts/qt_vi_ts.py --check   # exit 1 when the .ts or the .qm is out of date

PySide6 ships no Vietnamese translation of Qt (no qtbase_vi.qm), so the right-click menu of every text
box, the spin boxes, the standard buttons, Qt-drawn file and print dialogs would speak English. The
source texts and contexts are Qt's own (as in the qtbase_*.qm files PySide6 ships); the .qm is compiled
by PySide6's lrelease and loaded at start by ui/translation.py.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "qt_vi.ts"
QM = TS.with_suffix(".qm")

_EDIT = {"&Undo": "&Hoàn tác", "&Redo": "&Làm lại", "Cu&t": "&Cắt", "&Copy": "&Sao chép", "&Paste": "&Dán",
         "Delete": "Xóa", "Select All": "Chọn tất cả"}
TRANSLATIONS: dict[str, dict[str, str]] = {
    "QLineEdit": _EDIT,
    "QWidgetTextControl": {**_EDIT, "Copy &Link Location": "Sao chép địa chỉ &liên kết"},
    "QAbstractSpinBox": {"&Select All": "&Chọn tất cả", "&Step up": "&Tăng", "Step &down": "&Giảm"},
    "QDialogButtonBox": {"OK": "Đồng ý"},
    "QPlatformTheme": {"OK": "Đồng ý", "Save": "Lưu", "Save All": "Lưu tất cả", "Open": "Mở", "&Yes": "&Có",
                       "Yes to &All": "Có cho &tất cả", "&No": "&Không", "N&o to All": "Không cho tất &cả",
                       "Abort": "Dừng", "Retry": "Thử lại", "Ignore": "Bỏ qua", "Close": "Đóng",
                       "Cancel": "Hủy", "Discard": "Bỏ thay đổi", "Help": "Trợ giúp", "Apply": "Áp dụng",
                       "Reset": "Đặt lại", "Restore Defaults": "Khôi phục mặc định"},
    "QMessageBox": {"Show Details...": "Xem chi tiết…", "Hide Details...": "Ẩn chi tiết…"},
    "QProgressDialog": {"Cancel": "Hủy"},
    "QInputDialog": {"Enter a value:": "Nhập giá trị:"},
    "QScrollBar": {"Scroll here": "Cuộn đến đây", "Left edge": "Mép trái", "Top": "Đầu", "Right edge": "Mép phải",
                   "Bottom": "Cuối", "Page left": "Sang trái một trang", "Page up": "Lên một trang",
                   "Page right": "Sang phải một trang", "Page down": "Xuống một trang",
                   "Scroll left": "Cuộn sang trái", "Scroll up": "Cuộn lên", "Scroll right": "Cuộn sang phải",
                   "Scroll down": "Cuộn xuống"},
    "QFileDialog": {
        "%1\nDirectory not found.\nPlease verify the correct directory name was given.":
            "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
        "%1\nFile not found.\nPlease verify the correct file name was given.":
            "%1\nKhông tìm thấy tệp.\nHãy kiểm tra lại tên tệp.",
        "%1 already exists.\nDo you want to replace it?": "%1 đã có.\nGhi đè lên tệp này?",
        "&Choose": "&Chọn", "&Delete": "&Xóa", "&Look in:": "&Tìm trong:", "&New Folder": "Thư mục &mới",
        "&Open": "&Mở", "&Rename": "Đổi &tên", "&Save": "&Lưu",
        "'%1' is write protected.\nDo you want to delete it anyway?": "'%1' đang được bảo vệ chống ghi.\nVẫn xóa?",
        "All Files (*)": "Mọi tệp (*)", "All files (*)": "Mọi tệp (*)",
        "Are you sure you want to delete '%1'?": "Xóa '%1'?", "Back": "Quay lại",
        "Change to detail view mode": "Xem dạng chi tiết", "Change to list view mode": "Xem dạng danh sách",
        "Could not delete directory.": "Không xóa được thư mục.", "Create New Folder": "Tạo thư mục mới",
        "Create a New Folder": "Tạo thư mục mới", "Delete": "Xóa", "Detail View": "Xem chi tiết",
        "Directories": "Thư mục", "Directory:": "Thư mục:", "File &name:": "&Tên tệp:", "Files": "Tệp",
        "Files of &type:": "&Loại tệp:", "Find Directory": "Chọn thư mục", "Forward": "Tiếp",
        "Go back": "Quay lại", "Go forward": "Đi tiếp", "Go to the parent directory": "Lên thư mục cha",
        "List View": "Xem danh sách", "List of places and bookmarks": "Các nơi hay dùng",
        "New Folder": "Thư mục mới", "Open": "Mở", "Parent Directory": "Thư mục cha",
        "Recent Places": "Nơi mở gần đây", "Remove": "Bỏ", "Save As": "Lưu thành", "Show ": "Hiện ",
        "Show &hidden files": "Hiện tệp &ẩn", "Sidebar": "Thanh bên"},
    "QFileSystemModel": {"Computer": "Máy tính", "Date Modified": "Ngày sửa", "Kind": "Loại",
                         "My Computer": "Máy tính", "Name": "Tên", "Size": "Dung lượng", "Type": "Loại"},
    "QPrintDialog": {
        "%1 already exists.\nDo you want to overwrite it?": "%1 đã có.\nGhi đè lên tệp này?",
        "%1 is a directory.\nPlease choose a different file name.": "%1 là một thư mục.\nHãy chọn tên tệp khác.",
        "&Options <<": "&Tùy chọn <<", "&Options >>": "&Tùy chọn >>", "&Print": "&In",
        "All Pages": "Mọi trang", "Even Pages": "Trang chẵn", "Odd Pages": "Trang lẻ",
        "File %1 is not writable.\nPlease choose a different file name.":
            "Không ghi được tệp %1.\nHãy chọn tên tệp khác.",
        "Invalid Pages Definition": "Dãy trang không hợp lệ", "Local file": "Tệp trên máy", "Print": "In",
        "Print To File ...": "In ra tệp…", "Print to File (PDF)": "In ra tệp (PDF)",
        "The 'From' value cannot be greater than the 'To' value.": "Trang 'từ' không được lớn hơn trang 'đến'.",
        "Write PDF file": "Ghi tệp PDF"},
    "QPrintSettingsOutput": {"Collate": "Sắp theo bộ", "Color": "Màu", "Color Mode": "Chế độ màu",
                             "Copies": "Số bản", "Copies:": "Số bản:", "Current Page": "Trang hiện tại",
                             "Double Sided Printing": "In hai mặt", "Grayscale": "Đen trắng",
                             "Long side binding": "Đóng gáy cạnh dài", "Off": "Tắt", "Options": "Tùy chọn",
                             "Output Settings": "Cài đặt in", "Page &Set:": "&Nhóm trang:", "Pages": "Trang",
                             "Pages from": "Từ trang", "Print all": "In tất cả", "Print range": "Phạm vi in",
                             "Reverse": "In ngược", "Selection": "Phần chọn",
                             "Short side binding": "Đóng gáy cạnh ngắn", "to": "đến"},
    "QPrintWidget": {"&Name:": "&Tên máy in:", "Location:": "Vị trí:", "Output &file:": "&Tệp in ra:",
                     "P&roperties": "&Thuộc tính", "Preview": "Xem trước", "Printer": "Máy in", "Type:": "Loại:"},
    "QPrintPropertiesWidget": {"Advanced": "Nâng cao", "Page": "Trang"},
    "QPrintPreviewDialog": {"Export to PDF": "Xuất PDF", "First page": "Trang đầu", "Fit page": "Vừa trang",
                            "Fit width": "Vừa chiều rộng", "Landscape": "Khổ ngang", "Last page": "Trang cuối",
                            "Next page": "Trang sau", "Page Setup": "Thiết lập trang",
                            "Page setup": "Thiết lập trang", "Portrait": "Khổ dọc", "Previous page": "Trang trước",
                            "Print": "In", "Print Preview": "Xem trước bản in",
                            "Show facing pages": "Xem hai trang đối diện",
                            "Show overview of all pages": "Xem mọi trang", "Show single page": "Xem từng trang",
                            "Zoom in": "Phóng to", "Zoom out": "Thu nhỏ"},
}


def ts_text() -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", '<TS version="2.1" language="vi_VN">']
    for context, messages in TRANSLATIONS.items():
        lines += ["<context>", f"    <name>{context}</name>"]
        for source, translation in messages.items():
            lines += ["    <message>", f"        <source>{escape(source)}</source>",
                      f"        <translation>{escape(translation)}</translation>", "    </message>"]
        lines.append("</context>")
    lines.append("</TS>")
    return "\n".join(lines) + "\n"


def lrelease() -> str:
    """PySide6's lrelease (pyside6-lrelease beside the interpreter, or the binary in the package)."""
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    if beside.exists():
        return str(beside)
    import PySide6

    packaged = Path(PySide6.__file__).with_name("lrelease")
    return str(packaged) if packaged.exists() else (shutil.which("pyside6-lrelease") or "pyside6-lrelease")


def compile_ts(ts: Path, qm: Path) -> None:
    subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(qm)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the .ts and .qm are current")
    args = parser.parse_args()
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / "qt_vi.qm"
            compile_ts(TS, fresh)
            current = TS.read_text(encoding="utf-8") == ts_text() and QM.read_bytes() == fresh.read_bytes()
        print("qt_vi: đã cập nhật" if current else "qt_vi: cần chạy lại scripts/qt_vi_ts.py")
        return 0 if current else 1
    TS.parent.mkdir(parents=True, exist_ok=True)
    TS.write_text(ts_text(), encoding="utf-8")
    compile_ts(TS, QM)
    print(f"{TS.relative_to(ROOT)} -> {QM.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
