"""One dossier in full: data, papers, attachments, linked dossiers, timeline, and its allowed moves."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import ui.dialogs
from models.dossier import CHANNELS, MOVES, STATES, Dossier, state_label
from models.dossier_clock import now_local
from models.dossier_fees import fee_text
from models.dossier_moves import can_extend, urgency
from models.dossier_timeline import actor_text, event_text, local_moment
from models.dossier_undo import undoable_move
from models.errors import UserError
from services import forms
from services.calendar import due_note
from services.changes import Changes
from services.dossiers import (
    ATTACHMENT_KINDS,
    attach,
    due_soon_until,
    find_dossier,
    get_dossier,
    timeline,
)
from ui.app_context import AppContext
from ui.dossier_move_dialog import (
    FORM_OF_MOVE,
    ExtendDialog,
    FormPreviewDialog,
    MoveDialog,
    UndoDialog,
    available_forms,
    form_ready,
)
from ui.plain_text import rich_label

PLACEHOLDER = "Chọn một hồ sơ trong danh sách (mũi tên lên/xuống, Enter hoặc nhấp đúp) để xem chi tiết."
MOVE_COLUMNS = 3
# Button texts for the moves (the full state names are in the tooltips).
SHORT_STATES = {"dang_xu_ly": "Đang xử lý", "cho_bo_sung": "Chờ bổ sung", "cho_nghia_vu_tai_chinh": "Chờ nộp phí",
                "co_ket_qua": "Có kết quả", "da_tra": "Đã trả kết quả", "tu_choi": "Từ chối",
                "rut_ho_so": "Rút hồ sơ", "dung_giai_quyet": "Dừng giải quyết"}
_URGENCY_STYLE = {"overdue": "background: #fde2e1; color: #a4161a;", "soon": "background: #fff1cc; color: #8a5300;",
                  "": "background: #e7eef6; color: #1f3b57;"}


def scrolled(screen: QWidget) -> QWidget:
    """A page inside `screen` that scrolls when the window is smaller than the page can be."""
    page = QWidget()
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    outer = QVBoxLayout(screen)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
    return page


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    # Wrapped rows are as tall as their text at the width they get (not the width they had when filled).
    table.horizontalHeader().sectionResized.connect(lambda *_args: table.resizeRowsToContents())
    return table


class DossierDetail(QWidget):
    """Shows one dossier (`show_code`); moves, extensions and attachments go through the layer."""

    open_code = Signal(str)  # a linked dossier was chosen
    form_opened = Signal(object)  # a FormPreviewDialog was opened (tests and the screen watch it)

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.dossier: Dossier | None = None
        context.changed.connect(self._context_changed)
        self.linked: QLabel | None = None
        self.move_buttons: dict[str, QPushButton] = {}
        self.code_label = QLabel()
        self.code_label.setObjectName("areaTitle")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.moves_grid = QGridLayout()
        self.moves_grid.setContentsMargins(0, 0, 0, 0)
        self.moves_label = QLabel("Chuyển sang:")
        self.extend_button = QPushButton("Gia hạn…")
        self.extend_button.clicked.connect(self.extend)
        self.undo_button = QPushButton("Hoàn tác…")
        self.undo_button.clicked.connect(self.undo)
        self.print_button = QPushButton("In phiếu")
        self.print_menu = QMenu(self)
        self.print_button.setMenu(self.print_menu)
        self.placeholder = QLabel(PLACEHOLDER)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.tabs = QTabWidget()
        self.info = QFormLayout()
        self.info.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.info.setVerticalSpacing(6)
        info_inner = QWidget()
        info_column = QVBoxLayout(info_inner)
        info_column.addLayout(self.info)
        info_column.addStretch(1)
        info_page = QScrollArea()
        info_page.setWidgetResizable(True)
        info_page.setFrameShape(QFrame.Shape.NoFrame)
        info_page.setWidget(info_inner)
        self.papers = _table(["Giấy tờ", "Hình thức", "Số lượng"])
        self.attachments = QListWidget()
        self.attachments.itemActivated.connect(lambda _item: self.open_attachment())
        self.attach_kind = QComboBox()
        for key, label in ATTACHMENT_KINDS.items():
            self.attach_kind.addItem(label, key)
        self.add_file_button = QPushButton("Thêm tệp số hóa…")
        self.add_file_button.clicked.connect(self.choose_attachment)
        self.open_file_button = QPushButton("Mở tệp")
        self.open_file_button.clicked.connect(self.open_attachment)
        self.timeline = _table(["Thời điểm, người thực hiện", "Nội dung, ghi chú"])
        self.timeline_rows: list[tuple] = []  # (moment, actor, what, note) as shown
        self.tabs.addTab(info_page, "Thông tin")
        self.tabs.addTab(self._papers_page(), "Giấy tờ, tệp")
        self.tabs.addTab(self.timeline, "Lịch sử xử lý")
        # A hidden table cannot measure its wrapped rows: measure them again when their tab is shown.
        self.tabs.currentChanged.connect(self._fit_rows)

        header = QHBoxLayout()
        header.addWidget(self.code_label, 1)
        actions = QVBoxLayout()
        label_row = QHBoxLayout()
        label_row.addWidget(self.moves_label, 1)
        label_row.addWidget(self.undo_button)
        label_row.addWidget(self.extend_button)
        label_row.addWidget(self.print_button)
        actions.addLayout(label_row)
        actions.addLayout(self.moves_grid)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(header)
        body.addWidget(self.state_label)
        body.addLayout(actions)
        body.addWidget(self.tabs, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.body)
        self.body.hide()

    def _papers_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(QLabel("Giấy tờ đã nhận:"))
        column.addWidget(self.papers, 1)
        column.addWidget(QLabel("Bản số hóa (PDF, JPEG, PNG) — Enter hoặc nhấp đúp để mở:"))
        column.addWidget(self.attachments, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Loại:"))
        row.addWidget(self.attach_kind)
        row.addStretch(1)
        row.addWidget(self.add_file_button)
        row.addWidget(self.open_file_button)
        column.addLayout(row)
        return page

    # ----- showing
    def show_code(self, code: str) -> bool:
        """Load and show dossier `code`; False (and nothing changes) when there is none."""
        try:
            if find_dossier(self.context.db, code) is None:
                return False
            self.show_dossier(get_dossier(self.context.db, code))
        except UserError as error:  # e.g. the signed-in role may not read dossiers
            self.say(str(error))
            return False
        return True

    def say(self, message: str) -> None:
        """A sentence in place of the dossier (why nothing can be shown)."""
        self.clear()
        self.placeholder.setText(message)

    def reload(self) -> None:
        if self.dossier is not None:
            self.show_code(self.dossier.code)

    def _context_changed(self, changes: Changes) -> None:
        """Re-read the dossier shown when an errand touched it (once per errand, whoever did it)."""
        if self.dossier is None or not (changes.touches_dossier(self.dossier.code) or changes.ratings):
            return
        if not self.show_code(self.dossier.code) and changes.restore:
            self.clear()  # the restored data has no such dossier

    def clear(self) -> None:
        self.dossier = None
        self.body.hide()
        self.placeholder.setText(PLACEHOLDER)
        self.placeholder.show()

    def show_dossier(self, dossier: Dossier) -> None:
        self.dossier = dossier
        now = now_local()
        level = urgency(dossier.state, dossier.due_at, now, due_soon_until(self.context.db, now))
        self.code_label.setText(dossier.code)
        due = f"hạn trả {dossier.due_at:%H:%M %d/%m/%Y}"
        extra = {"overdue": " — ĐÃ QUÁ HẠN", "soon": " — sắp đến hạn"}.get(level, "")
        if dossier.timeliness:
            extra += f" — kết quả {dict(truoc_han='trước hạn', dung_han='đúng hạn', qua_han='quá hạn')[dossier.timeliness]}"
        self.state_label.setText(f"{dossier.state_label} · {due}{extra}")
        self.state_label.setStyleSheet(f"{_URGENCY_STYLE[level]} padding: 4px 8px; font-weight: bold;")
        self._fill_moves(dossier)
        self._fill_info(dossier)
        self._fill_papers(dossier)
        self._fill_timeline(dossier)
        self.placeholder.hide()
        self.body.show()

    def _fill_moves(self, dossier: Dossier) -> None:
        """Buttons for the allowed next states only (models.dossier.MOVES); none for a final state."""
        for button in self.move_buttons.values():
            self.moves_grid.removeWidget(button)
            button.deleteLater()
        self.move_buttons = {}
        for position, target in enumerate(MOVES.get(dossier.state, ())):
            button = QPushButton(SHORT_STATES.get(target, STATES[target]))
            button.setToolTip(f"Chuyển hồ sơ sang '{STATES[target]}'")
            button.clicked.connect(lambda _checked=False, t=target: self.move(t))
            self.moves_grid.addWidget(button, position // MOVE_COLUMNS, position % MOVE_COLUMNS)
            self.move_buttons[target] = button
        self.moves_label.setText("Chuyển sang:" if self.move_buttons else "Hồ sơ đã kết thúc: không chuyển tiếp.")
        self.extend_button.setVisible(can_extend(dossier.state))
        last = undoable_move(dossier.events)
        self.undo_button.setVisible(last is not None)
        if last is not None:
            self.undo_button.setToolTip(
                f"Hoàn tác bước chuyển gần nhất ({event_text(last)[0]}, {actor_text(last, {})}): người chuyển làm được "
                "trong ngày, lãnh đạo làm được bất cứ lúc nào; cần ghi lý do.")
        self.print_menu.clear()
        for kind, label in forms.form_menu(self.context.db, dossier).items():
            action = QAction(label, self.print_menu)
            ui.dialogs.enable(action, form_ready(dossier, kind), "Hồ sơ chưa có bước xử lý mà mẫu này in")
            action.triggered.connect(lambda _checked=False, k=kind: self.print_form(k))
            self.print_menu.addAction(action)

    def _due_note(self, dossier: Dossier) -> str:
        """' (dự kiến)' when the due date crosses a day the calendar only estimates (services.calendar)."""
        note = due_note(self.context.db, dossier.received_at, dossier.due_at)
        return f" ({note})" if note else ""

    def _fill_info(self, dossier: Dossier) -> None:
        while self.info.rowCount():
            self.info.removeRow(0)
        person = dossier.applicant
        rows = [("Thủ tục", f"{dossier.procedure_name} ({dossier.procedure_code})"), ("Lĩnh vực", dossier.field),
                ("Tổ chức", person.organisation), ("Người nộp", person.name), ("Số căn cước", person.cccd),
                ("Ngày sinh", f"{person.dob:%d/%m/%Y}" if person.dob else ""), ("Giới tính", person.sex_label),
                ("Điện thoại", person.phone), ("Địa chỉ", person.address), ("Thư điện tử", person.email),
                ("Kênh nộp", CHANNELS.get(dossier.channel, dossier.channel)),
                ("Tiếp nhận lúc", f"{dossier.received_at:%H:%M %d/%m/%Y}"),
                ("Hạn trả", f"{dossier.due_at:%H:%M %d/%m/%Y}" + (" (cán bộ nhập)" if dossier.due_source == "clerk"
                                                                  else "") + self._due_note(dossier)),
                ("Thời hạn theo quy định", dossier.deadline_text + (" (trường hợp cần xác minh)"
                                                                    if dossier.needs_verification else "")),
                ("Hẹn trả lần đầu", f"{dossier.first_due_at:%H:%M %d/%m/%Y}"
                 if dossier.first_due_at and dossier.first_due_at != dossier.due_at else ""),
                ("Người được ủy quyền", ", ".join(p for p in (dossier.delegate.name, dossier.delegate.paper) if p)
                 if dossier.delegate else ""),
                ("Nhận kết quả", dossier.result_delivery_label), ("Cơ quan thực hiện", dossier.deciding_agency),
                ("Cơ quan phối hợp", dossier.cooperating_agency),
                ("Số bộ hồ sơ", str(dossier.sets)),
                ("Phí, lệ phí", fee_text(dossier.fee_amount, dossier.fee_receipt, dossier.fee_required)
                 if dossier.fee_required or dossier.fee_amount is not None else ""),
                ("Ghi chú", dossier.note)]
        for label, value in rows:
            if value:
                text = QLabel(value)
                text.setWordWrap(True)
                text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.info.addRow(label + ":", text)
        links = [f"<a href=\"{escape(g['code'])}\">{escape(g['code'])}</a> – {escape(g['procedure_name'])} "
                 f"({escape(state_label(g['state']))})" for g in dossier.group]
        if links:  # removeRow above deletes the row's widgets: a new label each time
            self.linked = rich_label("<br>".join(links))
            self.linked.setWordWrap(True)
            self.linked.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            self.linked.linkActivated.connect(self.open_code.emit)
            self.info.addRow("Hồ sơ liên thông:", self.linked)

    def _fill_papers(self, dossier: Dossier) -> None:
        self.papers.setRowCount(len(dossier.papers))
        for row, paper in enumerate(dossier.papers):
            for column, text in enumerate((paper.name, paper.kind_label, str(paper.count))):
                self.papers.setItem(row, column, QTableWidgetItem(text))
        header = self.papers.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.attachments.clear()
        for record in dossier.attachments:
            kind = ATTACHMENT_KINDS.get(record["kind"], record["kind"])
            added = local_moment(record["added_at"])
            item = QListWidgetItem(f"{record['display_name']} — {kind}, {record['size'] / 1024:,.0f} KB, "
                                   f"{added:%d/%m/%Y}".replace(",", "."))
            item.setData(Qt.ItemDataRole.UserRole, record["path"])
            self.attachments.addItem(item)
        if dossier.attachments:
            self.attachments.setCurrentRow(0)
        ui.dialogs.enable(self.open_file_button, bool(dossier.attachments), "Hồ sơ chưa có tệp đính kèm nào")
        self.tabs.setTabText(1, f"Giấy tờ, tệp ({len(dossier.papers)}/{len(dossier.attachments)})")

    def _fit_rows(self, _index: int = 0) -> None:
        self.timeline.resizeRowsToContents()
        self.papers.resizeRowsToContents()

    def _fill_timeline(self, dossier: Dossier) -> None:
        """Who did what when, with its note; conflicts the sync layer recorded are marked in red."""
        entries = timeline(self.context.db, dossier)
        self.timeline_rows = [(e.at, e.who, e.what, e.note) for e in entries]
        self.timeline.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            warning = entry.warning
            cells = (f"{entry.when}\n{entry.who}" if entry.at else entry.who,
                     f"{entry.what}\n{entry.note}" if entry.note else entry.what)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if warning:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.timeline.setItem(row, column, item)
        header = self.timeline.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.timeline.resizeRowsToContents()
        self.tabs.setTabText(2, f"Lịch sử xử lý ({len(entries)})")

    # ----- changes
    def move(self, target: str) -> MoveDialog | None:
        """Open the move dialog for an allowed target; a forbidden one is refused before any dialog."""
        if self.dossier is None or target not in MOVES.get(self.dossier.state, ()):
            return None
        dialog = MoveDialog(self.context, self.dossier, target, self)
        # A refusal after the receipt prints the notice that the dossier does not meet the conditions.
        kind = "khong_du_dieu_kien" if target == "tu_choi" and self.dossier.state != "tiep_nhan" else \
            FORM_OF_MOVE.get(target)
        dialog.accepted.connect(lambda: self._after_change(dialog.moved, kind))
        dialog.open()
        return dialog

    def extend(self) -> ExtendDialog | None:
        if self.dossier is None:
            return None
        dialog = ExtendDialog(self.context, self.dossier, self)
        dialog.accepted.connect(lambda: self._after_change(dialog.extended, "xin_loi"))
        dialog.open()
        return dialog

    def undo(self) -> UndoDialog | None:
        dossier = self.dossier
        move = undoable_move(dossier.events) if dossier is not None else None
        if dossier is None or move is None:
            return None
        dialog = UndoDialog(self.context, dossier, move, self)
        dialog.accepted.connect(lambda: self._after_change(dialog.undone, None))
        dialog.open()
        return dialog

    def _after_change(self, dossier: Dossier | None, form_kind: str | None) -> None:
        if dossier is None:
            return
        if dossier.state == "da_tra":  # the citizen is at the counter: ask how satisfied they are
            from ui import rating_dialog

            rating_dialog.ask_rating(self, self.context, dossier.code)
        if form_kind and form_kind in available_forms(self.context):
            self.print_form(form_kind)

    def print_form(self, kind: str) -> FormPreviewDialog | None:
        if self.dossier is None:
            return None
        dialog = FormPreviewDialog(self.context, self.dossier.code, kind, self)
        dialog.open()
        self.form_opened.emit(dialog)
        return dialog

    def choose_attachment(self) -> None:
        if self.dossier is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        path, _filter = QFileDialog.getOpenFileName(self, "Chọn bản số hóa", folder,
                                                    "Bản số hóa (*.pdf *.jpg *.jpeg *.png);;Tất cả tệp (*)")
        if path:
            self.add_attachment(Path(path))

    def add_attachment(self, path: Path) -> bool:
        if self.dossier is None:
            return False
        try:
            done = attach(self.context.db, self.context.data_dir, self.dossier.code, path,
                          kind=self.attach_kind.currentData())
        except UserError as error:
            ui.dialogs.show_error(self, str(error))
            return False
        self.context.publish(done.changes)
        self.reload()
        return True

    def open_attachment(self) -> bool:
        item = self.attachments.currentItem()
        if item is None:
            return False
        path = self.context.data_dir / item.data(Qt.ItemDataRole.UserRole)
        if not path.exists():
            ui.dialogs.show_error(self, f"Không tìm thấy tệp {path.name} trong thư mục dữ liệu.")
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
