"""The shared look: one stylesheet and a few sizes, so screens stay consistent."""

STYLESHEET = """
QListWidget#navigation {
    background: #1f3b57; color: #ffffff; border: none; font-size: 15px; padding-top: 8px;
}
QListWidget#navigation::item { padding: 10px 14px; }
QListWidget#navigation::item:selected { background: #2f6ea5; }
QLabel#areaTitle { font-size: 20px; font-weight: bold; color: #1f3b57; padding: 4px 0 8px 0; }
QStatusBar QLabel { padding: 0 8px; }
QTableView { gridline-color: #d0d7de; }
QHeaderView::section { background: #eef2f6; padding: 4px; border: 1px solid #d0d7de; font-weight: bold; }
"""

NAVIGATION_WIDTH = 210
# A 1366×768 screen leaves about 1366×728 under the taskbar (issue #14): the window opens at most that
# big, and can shrink further (1366×768 at 125 % is 1093×582 logical pixels; screens then scroll).
DEFAULT_WINDOW_SIZE = (1366, 728)
MINIMUM_WINDOW_SIZE = (640, 480)
