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
DEFAULT_WINDOW_SIZE = (1200, 760)
