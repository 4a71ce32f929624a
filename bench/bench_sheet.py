"""Benchmark of the QR list sheet: MotCua's drawing against reportlab's own QR widget.

Run: .venv/bin/python bench/bench_sheet.py [--runs N]

Builds a 162-procedure sample catalog in 13 fields in memory, times render_list_sheet (best of N runs,
each from a cold QR cache, so every code is encoded again), and, in the same process, a naive baseline:
the same sheet with each QR code drawn by reportlab.graphics.barcode.qr.QrCodeWidget inside a Drawing.
Goal: at most 1 s, and at most 0.25 of the baseline.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402

from models.catalog import Procedure  # noqa: E402
from models.settings import UnitSettings  # noqa: E402
from printing import render_list_sheet  # noqa: E402
from printing.list_sheet import build_list_pdf  # noqa: E402
from printing.output import Job  # noqa: E402
from printing.qr import qr_matrix  # noqa: E402

GOAL_SECONDS = 1.0
GOAL_RATIO = 0.25
PRINTED_ON = date(2026, 1, 15)

FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Người có công", "Tư pháp",
          "Nông nghiệp", "Giáo dục và Đào tạo", "Y tế", "Văn hóa - Thể thao", "Lao động - Việc làm",
          "Thi đua - Khen thưởng", "Tôn giáo, tín ngưỡng"]
STEMS = ["Đăng ký khai sinh", "Đăng ký kết hôn", "Đăng ký khai tử", "Chứng thực bản sao từ bản chính",
         "Chứng thực chữ ký trong các giấy tờ, văn bản", "Giải quyết trợ cấp xã hội hằng tháng",
         "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "Xác nhận tình trạng hôn nhân",
         "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
         "Thay đổi, cải chính, bổ sung thông tin hộ tịch & xác định lại dân tộc"]
TAILS = ["", " cho người cao tuổi", " có yếu tố nước ngoài ở khu vực biên giới",
         " đối với trường hợp người đại diện theo ủy quyền nộp hồ sơ thay cho người yêu cầu <đã mất>"]


def sample_catalog() -> list[Procedure]:
    procedures = []
    for index in range(162):
        name = STEMS[index % len(STEMS)] + TAILS[index % len(TAILS)] + f" (mẫu {index + 1})"
        procedures.append(Procedure(
            code=f"{1 + index % 2}.{1000 + index:06d}.000.00.00.H56",
            name=name,
            field=FIELDS[index % len(FIELDS)],
            deadline_value=[3, 5, 15, 1][index % 4],
            deadline_unit=["working_days", "working_days", "calendar_days", "same_day"][index % 4],
            fees=["Miễn phí", "8.000 đồng/trường hợp", "2.000 đồng/trang, tối đa 200.000 đồng/bản"][index % 3],
            online_level=["toan_trinh", "mot_phan", ""][index % 3],
            essential=index % 5 == 0,
            own_url=f"https://dichvucong.nghean.gov.vn/thu-tuc/{index}" if index % 7 == 0 else "",
        ))
    return procedures


def widget_qr(text: str, box: float, _on_draw) -> Drawing:
    """The naive way: reportlab's QR widget (also level M, 4-module border), scaled into the box."""
    widget = QrCodeWidget(text, barLevel="M", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(box, box, transform=[box / (x1 - x0), 0, 0, box / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def best_of(runs: int, action) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of the MotCua sheet (baseline: 2)")
    args = parser.parse_args()
    catalog = sample_catalog()
    settings = UnitSettings(unit_name="UBND xã Mẫu", province="Nghệ An",
                            qr_template="https://dichvucong.gov.vn/tim-kiem-thu-tuc-hanh-chinh?keyword={code}")
    pages = render_list_sheet(catalog, settings, io.BytesIO(), printed_on=PRINTED_ON)  # warm-up: fonts

    def ours_cold() -> None:
        qr_matrix.cache_clear()
        render_list_sheet(catalog, settings, io.BytesIO(), printed_on=PRINTED_ON)

    def ours_warm() -> None:
        render_list_sheet(catalog, settings, io.BytesIO(), printed_on=PRINTED_ON)

    def baseline() -> None:
        data, _ = build_list_pdf(catalog, settings, PRINTED_ON, Job(1, None, None), qr_factory=widget_qr)
        io.BytesIO().write(data)

    cold = best_of(args.runs, ours_cold)
    warm = best_of(args.runs, ours_warm)
    naive = best_of(2, baseline)
    ratio = cold / naive
    print(f"catalog: {len(catalog)} procedures in {len(FIELDS)} fields, list sheet of {pages} pages")
    print(f"MotCua list sheet, cold QR cache (best of {args.runs}): {cold:.3f} s")
    print(f"MotCua list sheet, warm QR cache (best of {args.runs}): {warm:.3f} s")
    print(f"baseline, reportlab QrCodeWidget (best of 2):        {naive:.3f} s")
    print(f"ratio cold/baseline: {ratio:.3f} (goal <= {GOAL_RATIO}); "
          f"cold time goal <= {GOAL_SECONDS:.1f} s: {'met' if cold <= GOAL_SECONDS else 'NOT met'}")
    return 0 if cold <= GOAL_SECONDS and ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
