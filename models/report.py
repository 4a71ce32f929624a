"""A period report: the totals, per field and per month, the due list and the QĐ 766 indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from models import report_rules as rules
from models.dossier import iso, state_label
from models.report_period import Period

NO_FIELD = "(Chưa phân lĩnh vực)"
REPORT_TITLE = "BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"

# (header, Tally attribute or rule function, kind): the per-field table every output shows, in order.
FIELD_COLUMNS = (
    ("Tiếp nhận", "received", "count"),
    ("Trong đó trực tuyến", "received_online", "count"),
    ("Tỷ lệ trực tuyến", rules.online_share, "share"),
    ("Đã giải quyết", "resolved", "count"),
    ("Trước hạn", "early", "count"),
    ("Đúng hạn", "on_time", "count"),
    ("Quá hạn", "late", "count"),
    ("Tỷ lệ trước và đúng hạn", rules.on_time_share, "share"),
    ("Đang giải quyết", "in_progress", "count"),
    ("Trong đó quá hạn", "overdue", "count"),
    ("Rút hồ sơ", "withdrawn", "count"),
    ("Từ chối", "refused", "count"),
    ("Dừng giải quyết", "stopped", "count"),
    ("Tỷ lệ số hóa", rules.digitised_share, "share"),
    ("Mức độ hài lòng", rules.satisfaction_rate, "share"),
)


def field_label(name: str) -> str:
    return name or NO_FIELD


def column_value(tally: rules.Tally, source) -> int | float | None:
    return source(tally) if callable(source) else getattr(tally, source)


def format_value(value: float | None, kind: str) -> str:
    """Vietnamese notation: counts 1.234, shares 12,3%, days 3,5; '—' where there is nothing to show."""
    if value is None:
        return "—"
    if kind == "share":
        return f"{value * 100:.1f}".replace(".", ",") + "%"
    if kind == "days":
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", ".")


def month_label(month: str) -> str:
    """'2026-02' -> '02/2026'."""
    return f"{month[5:]}/{month[:4]}"


@dataclass(frozen=True)
class DueItem:
    """A running dossier overdue now or due within DUE_SOON_WORKING_DAYS working days (no personal data
    beyond the applicant's name, which only the screen shows)."""

    code: str
    procedure_code: str
    procedure_name: str
    field: str
    applicant: str
    state: str
    received_at: datetime
    due_at: datetime
    overdue: bool

    def to_dict(self) -> dict:
        return {"code": self.code, "procedure_code": self.procedure_code, "procedure_name": self.procedure_name,
                "field": self.field, "state": self.state, "state_label": state_label(self.state),
                "received_at": iso(self.received_at), "due_at": iso(self.due_at), "overdue": self.overdue}


@dataclass(frozen=True)
class Indicator:
    """One QĐ 766 indicator: its value if local data can compute it, and how it was computed."""

    key: str
    criterion: str  # the 766 criterion and its points
    name: str
    value: float | None
    computed: bool
    how: str
    target: float | None = None  # full score at or above this share (shared/domain.md), when known

    def to_dict(self) -> dict:
        return {"key": self.key, "criterion": self.criterion, "name": self.name, "value": self.value,
                "computed": self.computed, "how": self.how, "target": self.target}


@dataclass
class Report:
    """Everything the dashboard and the exports show for one period, from db.report_queries.build_report."""

    period: Period
    moment: datetime  # in progress and overdue are taken here (Period.moment)
    generated_at: datetime
    total: rules.Tally
    by_field: dict[str, rules.Tally]
    received_by_month: dict[str, int]
    resolved_by_month: dict[str, int]
    due: list[DueItem] = field(default_factory=list)  # overdue now, then due soon, by due moment
    overdue_now: int = 0
    due_soon: int = 0
    due_soon_until: datetime | None = None
    procedures_active: int = 0
    procedures_with_link: int = 0

    @property
    def months(self) -> list[str]:
        return self.period.months()

    def field_names(self) -> list[str]:
        return sorted(self.by_field, key=lambda name: (name == "", name))

    def indicators(self) -> list[Indicator]:
        return indicators(self)

    def to_dict(self) -> dict:
        """The figures at top level (as the command line prints them), then by_field, months, indicators."""
        return {
            "period": self.period.to_dict(), "moment": iso(self.moment), "generated_at": iso(self.generated_at),
            **rules.figures(self.total),
            "by_field": {name: rules.figures(self.by_field[name]) for name in self.field_names()},
            "by_month": [{"month": m, "received": self.received_by_month.get(m, 0),
                          "resolved": self.resolved_by_month.get(m, 0)} for m in self.months],
            "overdue_now": self.overdue_now, "due_soon": self.due_soon,
            "due_soon_until": iso(self.due_soon_until), "due_list": [item.to_dict() for item in self.due],
            "procedures_active": self.procedures_active, "procedures_with_link": self.procedures_with_link,
            "indicators": [indicator.to_dict() for indicator in self.indicators()],
        }


def posting_share(report: Report) -> float | None:
    """Active procedures with their own link to the national portal / active procedures in the catalog:
    their posted QR codes open the procedure's own page (shared/domain.md "Procedures")."""
    if not report.procedures_active:
        return None
    return report.procedures_with_link / report.procedures_active


_NOT_LOCAL = "Không tính được từ dữ liệu của xã: số liệu nằm trên Cổng Dịch vụ công quốc gia/của tỉnh."


def indicators(report: Report) -> list[Indicator]:
    """The QĐ 766/QĐ-TTg indicators (100 points: công khai 18, tiến độ 20, số hóa 22, trực tuyến 22,
    hài lòng 18) that local data can compute, each saying how, then those it cannot (computed=False).
    Targets are the full-score thresholds shared/domain.md gives (verify against the province's guide)."""
    t = report.total
    return [
        Indicator("on_time", "Tiến độ, kết quả giải quyết (20 điểm)", "Tỷ lệ hồ sơ giải quyết trước và đúng hạn",
                  rules.on_time_share(t), True,
                  "(Trước hạn + đúng hạn) / hồ sơ có kết quả trong kỳ. Thời gian chờ công dân bổ sung không "
                  "tính (hạn trả đã lùi theo thời gian chờ); yêu cầu bổ sung quá 1 lần hoặc có gia hạn "
                  "(Mẫu 04) tính là quá hạn. Hồ sơ rút, từ chối, dừng giải quyết không tính."),
        Indicator("average_days", "Tiến độ, kết quả giải quyết (20 điểm)", "Thời gian giải quyết trung bình (ngày)",
                  rules.average_days(t), True,
                  "Trung bình số ngày lịch từ lúc tiếp nhận đến lúc có kết quả, trên hồ sơ có kết quả trong kỳ."),
        Indicator("online", "Dịch vụ công trực tuyến (22 điểm)", "Tỷ lệ hồ sơ nộp trực tuyến",
                  rules.online_share(t), True,
                  "Hồ sơ tiếp nhận trong kỳ qua kênh trực tuyến hoặc trực tuyến có hỗ trợ tại bộ phận "
                  "một cửa / tổng hồ sơ tiếp nhận trong kỳ.", 0.5),
        Indicator("digitised", "Số hóa hồ sơ (22 điểm)", "Tỷ lệ hồ sơ số hóa (thành phần hồ sơ và kết quả)",
                  rules.digitised_share(t), True,
                  "Hồ sơ có kết quả trong kỳ có đính kèm cả bản số hóa giấy tờ và bản số hóa kết quả / "
                  "hồ sơ có kết quả trong kỳ.", 0.8),
        Indicator("result_digitised", "Số hóa hồ sơ (22 điểm)", "Tỷ lệ hồ sơ có kết quả điện tử (bản số hóa)",
                  rules.result_digitised_share(t), True,
                  "Hồ sơ có kết quả trong kỳ có đính kèm bản số hóa kết quả / hồ sơ có kết quả trong kỳ "
                  "(gần nhất với tiêu chí kết quả điện tử; cần đối chiếu)."),
        Indicator("satisfaction", "Mức độ hài lòng (18 điểm)", "Mức độ hài lòng",
                  rules.satisfaction_rate(t), True,
                  "100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ bị đánh giá không hài lòng), cả hai trên số "
                  "hồ sơ có kết quả trong kỳ. Phản ánh, kiến nghị không có trong MotCua nên chưa tính.", 0.9),
        Indicator("satisfied", "Mức độ hài lòng (18 điểm)", "Tỷ lệ đánh giá \"hài lòng\"",
                  rules.satisfied_share(t), True,
                  "Số đánh giá \"hài lòng\" / tổng số đánh giá ghi nhận tại bộ phận một cửa trong kỳ."),
        Indicator("posting", "Công khai, minh bạch (18 điểm)", "Thủ tục có đường dẫn riêng trên Cổng DVC quốc gia",
                  posting_share(report), True,
                  "Thủ tục đang áp dụng có đường dẫn riêng (mã QR niêm yết mở đúng trang thủ tục) / thủ tục "
                  "đang áp dụng trong danh mục của xã."),
        Indicator("portal_publishing", "Công khai, minh bạch (18 điểm)",
                  "Công bố, công khai TTHC trên Cơ sở dữ liệu quốc gia", None, False, _NOT_LOCAL),
        Indicator("portal_progress", "Công khai, minh bạch (18 điểm)",
                  "Đồng bộ tiến độ hồ sơ lên Cổng Dịch vụ công quốc gia", None, False, _NOT_LOCAL),
        Indicator("online_payment", "Dịch vụ công trực tuyến (22 điểm)", "Thanh toán trực tuyến", None, False,
                  _NOT_LOCAL),
        Indicator("data_reuse", "Số hóa hồ sơ (22 điểm)", "Khai thác, tái sử dụng dữ liệu đã số hóa", None, False,
                  _NOT_LOCAL),
        Indicator("complaints", "Mức độ hài lòng (18 điểm)", "Phản ánh, kiến nghị và đánh giá trên Cổng DVC",
                  None, False, _NOT_LOCAL),
    ]
