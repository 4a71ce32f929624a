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
# The balance reads left to right: kỳ trước chuyển sang + tiếp nhận = đã giải quyết + kết thúc không có
# kết quả (từ chối, rút, dừng) + đang giải quyết (trong hạn, quá hạn).
FIELD_COLUMNS = (
    ("Tồn kỳ trước", "carried_over", "count"),
    ("Tiếp nhận", "received", "count"),
    ("Trực tiếp", "received_direct", "count"),
    ("Trực tuyến", "received_online", "count"),
    ("Bưu chính", "received_post", "count"),
    ("Đã giải quyết", "resolved", "count"),
    ("Trước hạn", "early", "count"),
    ("Đúng hạn", "on_time", "count"),
    ("Quá hạn", "late", "count"),
    ("Từ chối", "refused", "count"),
    ("Rút hồ sơ", "withdrawn", "count"),
    ("Dừng giải quyết", "stopped", "count"),
    ("Đang giải quyết trong hạn", rules.in_progress_within_time, "count"),
    ("Đang giải quyết quá hạn", "overdue", "count"),
    ("Đúng hạn (766)", rules.on_time_share, "share"),
    ("Trực tuyến (766)", rules.online_share, "share"),
    ("Số hóa (766)", rules.digitised_share, "share"),
    ("Hài lòng (766)", rules.satisfaction_rate, "share"),
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
    averages: list[rules.ProcedureAverage] = field(default_factory=list)  # QĐ 766 2.2, per procedure and unit
    sample: bool = False  # dossiers of the bundled sample catalog are among the figures (SAMPLE_FIGURES)

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
            "avg_resolution_by_procedure": [average.to_dict() for average in self.averages],
            "indicators": [indicator.to_dict() for indicator in self.indicators()],
            "posting": [indicator.to_dict() for indicator in posting_indicators(self)],
            "methodology": dict(rules.METHODOLOGY),
            "sample": self.sample,
        }


# Sample data is labelled wherever it shows or prints (shared/domain.md): figures and registers that take in
# dossiers of the bundled sample catalog's procedures say so on every page.
SAMPLE_FIGURES = ("DỮ LIỆU MẪU: có hồ sơ của thủ tục trong danh mục mẫu của MotCua, không dùng để báo cáo "
                  "hoặc lưu trữ")


def posting_share(report: Report) -> float | None:
    """Active procedures with their own link to the national portal / active procedures in the catalog:
    their posted QR codes open the procedure's own page (shared/domain.md "Procedures")."""
    if not report.procedures_active:
        return None
    return report.procedures_with_link / report.procedures_active


_NOT_LOCAL = "Không tính được từ dữ liệu của xã: số liệu nằm trên Cổng Dịch vụ công quốc gia/của tỉnh."


def indicators(report: Report) -> list[Indicator]:
    """The QĐ 766/QĐ-TTg indicators (100 points: công khai 18, tiến độ 20, trực tuyến 22, số hóa 22, hài
    lòng 18) computed the portal's way (models.report_rules), each saying how, then those local data
    cannot compute (computed=False). Targets are the full-score thresholds shared/domain.md gives."""
    t = report.total
    return [
        Indicator("on_time", "2.1 Tiến độ, kết quả giải quyết (20 điểm)",
                  "Tỷ lệ hồ sơ xử lý đúng hạn hoặc còn trong hạn", rules.on_time_share(t), True,
                  "Hồ sơ giải quyết trước/đúng hạn, kết thúc (từ chối, rút, dừng) trước hạn, hoặc còn trong hạn "
                  "cuối kỳ / mọi hồ sơ kỳ trước chuyển sang và tiếp nhận trong kỳ. Hồ sơ chờ bổ sung tính tại "
                  "lúc yêu cầu; thời gian chờ không tính; bổ sung quá 1 lần hoặc gia hạn (Mẫu 04) là quá hạn."),
        Indicator("average_time", "2.2 Tiến độ, kết quả giải quyết (20 điểm)",
                  "Thời gian giải quyết trung bình theo từng thủ tục", None, True,
                  "Tính riêng từng thủ tục, theo đơn vị thời hạn của thủ tục (ngày làm việc, giờ làm việc, "
                  "ngày), trừ thời gian chờ công dân: xem bảng theo thủ tục; không gộp thành một số."),
        Indicator("online", "3.3 Dịch vụ công trực tuyến (22 điểm)", "Tỷ lệ hồ sơ nộp trực tuyến",
                  rules.online_share(t), True,
                  "Hồ sơ tiếp nhận trong kỳ qua kênh trực tuyến (kể cả có hỗ trợ tại bộ phận một cửa); thủ tục "
                  "có kết quả là giấy chỉ tính khi kết quả cũng trả bản điện tử (có bản số hóa kết quả) / hồ "
                  "sơ tiếp nhận trong kỳ.", 0.5),
        Indicator("electronic_result", "4.1 Số hóa hồ sơ (22 điểm)", "Tỷ lệ hồ sơ có kết quả điện tử",
                  rules.electronic_result_share(t), True,
                  "Hồ sơ có kết quả trong kỳ kèm bản điện tử (bản số hóa) của kết quả / hồ sơ có kết quả trong "
                  "kỳ của thủ tục có kết quả là giấy."),
        Indicator("digitised", "4.2 Số hóa hồ sơ (22 điểm)", "Tỷ lệ hồ sơ được số hóa",
                  rules.digitised_share(t), True,
                  "Hồ sơ có thành phần hồ sơ đã số hóa (mọi kênh) và, với thủ tục có kết quả là giấy, có kết "
                  "quả điện tử / mọi hồ sơ kỳ trước chuyển sang và tiếp nhận trong kỳ.", 0.8),
        Indicator("satisfaction", "5.4 Mức độ hài lòng (18 điểm)", "Mức độ hài lòng",
                  rules.satisfaction_rate(t), True,
                  "100% − (tỷ lệ hồ sơ quá hạn theo 2.1 + tỷ lệ hồ sơ bị đánh giá \"không hài lòng\"), cùng mẫu "
                  "số với 2.1. Phản ánh, kiến nghị không có trong MotCua nên chưa tính.", 0.9),
        Indicator("resolved_on_time", "Số liệu riêng của đơn vị (không phải chỉ số 766)",
                  "Tỷ lệ trước và đúng hạn trên hồ sơ đã giải quyết", rules.resolved_on_time_share(t), True,
                  "(Trước hạn + đúng hạn) / hồ sơ có kết quả trong kỳ: cách tính cũ của đơn vị, chỉ để "
                  "đối chiếu; tỉnh chấm theo chỉ số 2.1 ở trên."),
        Indicator("satisfied", "Số liệu riêng của đơn vị (không phải chỉ số 766)", "Tỷ lệ đánh giá \"hài lòng\"",
                  rules.satisfied_share(t), True,
                  "Số đánh giá \"hài lòng\" / tổng số đánh giá ghi nhận tại bộ phận một cửa trong kỳ."),
        Indicator("portal_publishing", "1 Công khai, minh bạch (18 điểm)",
                  "Công bố, công khai TTHC trên Cơ sở dữ liệu quốc gia", None, False, _NOT_LOCAL),
        Indicator("portal_progress", "1 Công khai, minh bạch (18 điểm)",
                  "Đồng bộ tiến độ hồ sơ lên Cổng Dịch vụ công quốc gia", None, False, _NOT_LOCAL),
        Indicator("online_payment", "3 Dịch vụ công trực tuyến (22 điểm)", "Thanh toán trực tuyến", None, False,
                  _NOT_LOCAL),
        Indicator("data_reuse", "4 Số hóa hồ sơ (22 điểm)", "Khai thác, tái sử dụng dữ liệu đã số hóa", None, False,
                  _NOT_LOCAL),
        Indicator("complaints", "5 Mức độ hài lòng (18 điểm)", "Phản ánh, kiến nghị và đánh giá trên Cổng DVC",
                  None, False, _NOT_LOCAL),
    ]


def posting_indicators(report: Report) -> list[Indicator]:
    """The "niêm yết" section, outside the 766 heading: how many posted QR codes open the procedure's own
    page on the national portal (a unit's own check, not a 766 criterion)."""
    return [Indicator("posting", "Niêm yết thủ tục hành chính", "Thủ tục có đường dẫn riêng trên Cổng DVC quốc gia",
                      posting_share(report), True,
                      "Thủ tục đang áp dụng có đường dẫn riêng (mã QR niêm yết mở đúng trang thủ tục) / thủ tục "
                      "đang áp dụng trong danh mục của xã.")]
