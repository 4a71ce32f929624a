"""Independent checks of printed PDFs: render (pypdfium2), decode QR (zxing-cpp), extract text (pypdf)."""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass

import pypdfium2 as pdfium
import zxingcpp
from pypdf import PdfReader

from models.catalog import Procedure
from models.settings import UnitSettings

DPI = 150
PX_PER_CM = DPI / 2.54
PT_PER_PX = 72 / DPI

TEMPLATE = "https://dichvucong.example.gov.vn/tthc?ma={code}"
SETTINGS = UnitSettings(unit_name="UBND xã Quỳnh Lưu & Đông <Sơn>", unit_code="000.17.22.H56",
                        province="Nghệ An", qr_template=TEMPLATE)

FIELDS = ["Hộ tịch", "Chứng thực", "Đất đai", "Bảo trợ xã hội", "Người có công", "Tư pháp",
          "Nông nghiệp", "Giáo dục và Đào tạo", "Y tế", "Văn hóa, Thể thao & Du lịch", "Lao động",
          "Thi đua - Khen thưởng", "Tôn giáo, tín ngưỡng"]

WORDS = ("đăng ký khai sinh kết hôn giám hộ nhận cha mẹ con thay đổi cải chính hộ tịch xác định lại "
         "dân tộc bổ sung thông tin chứng thực bản sao từ bản chính giấy tờ văn bản hợp đồng giao dịch "
         "trợ cấp xã hội hằng tháng người cao tuổi khuyết tật hỗ trợ chi phí mai táng quyền sử dụng đất "
         "nhà ở tài sản gắn liền ưu đãi thương binh liệt sĩ ủy quyền thừa kế di chúc").split()

TRICKY_NAMES = [
    "Chứng thực chữ ký & điểm chỉ của người <không biết chữ>",
    'Cấp "Giấy xác nhận tình trạng hôn nhân" cho công dân',
    "Đăng ký lại khai tử cho người 'đã mất' trước năm 1975",
    "Hỗ trợ R&D <b>không phải thẻ</b> & a < b > c &amp; d",
]
DECOMPOSED = unicodedata.normalize("NFD", "Đăng ký kết hôn có yếu tố nước ngoài ở khu vực biên giới Việt - Lào")


def long_name(length: int, seed: int) -> str:
    """A name of about `length` characters made of Vietnamese words, different for each seed."""
    out: list[str] = [f"Thủ tục dài số {seed}:"]
    index = seed
    while len(" ".join(out)) < length:
        out.append(WORDS[index % len(WORDS)])
        index += 7
    return " ".join(out)


def make_catalog(count: int, fields: int = len(FIELDS)) -> list[Procedure]:
    """`count` active procedures over `fields` fields, tricky names first, every 5th with its own link."""
    names = [*TRICKY_NAMES, DECOMPOSED, long_name(260, 1), long_name(900, 2)]
    procedures = []
    for index in range(count):
        name = names[index] if index < len(names) else long_name(40 + (index * 37) % 200, index)
        procedures.append(Procedure(
            code=f"{1 + index % 2}.{index:06d}.000.00.00.H56",
            name=name,
            field=FIELDS[index % fields],
            deadline_value=[3, 5, 0.5, 15][index % 4],
            deadline_unit=["working_days", "calendar_days", "working_hours", "same_day"][index % 4],
            fees=["Miễn phí", "10.000 đồng/trường hợp", "", "2.000 đồng/trang, từ trang thứ ba trở lên "
                  "thu 1.000 đồng/trang & tối đa 200.000 đồng/bản"][index % 4],
            online_level=["toan_trinh", "mot_phan", ""][index % 3],
            essential=index % 4 == 0,
            own_url=f"https://dvc.example.vn/thu-tuc/{index}?a=1&b=2" if index % 5 == 0 else "",
        ))
    return procedures


def squash(text: str) -> str:
    """NFC, all whitespace removed: the text as a reader sees it, whatever the line breaks."""
    return "".join(unicodedata.normalize("NFC", text).split())


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


@dataclass
class FoundCode:
    text: str
    ec_level: str
    # Symbol corners in pixels (outer edges of the code, quiet zone excluded).
    left: float
    top: float
    right: float
    bottom: float

    @property
    def width_cm(self) -> float:
        return (self.right - self.left + 1) / PX_PER_CM


@dataclass
class RenderedPage:
    image: object  # PIL image, greyscale
    codes: list[FoundCode]
    text_boxes: list[tuple[float, float, float, float]]  # (left, top, right, bottom) in pixels
    height_pt: float


def render_pages(pdf: bytes) -> list[RenderedPage]:
    document = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            codes = []
            for found in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
                corners = [found.position.top_left, found.position.top_right,
                           found.position.bottom_right, found.position.bottom_left]
                xs = [p.x for p in corners]
                ys = [p.y for p in corners]
                codes.append(FoundCode(found.text, found.ec_level, min(xs), min(ys), max(xs), max(ys)))
            height = page.get_height()
            textpage = page.get_textpage()
            boxes = []
            for index in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(index)
                boxes.append((left / PT_PER_PX, (height - top) / PT_PER_PX,
                              right / PT_PER_PX, (height - bottom) / PT_PER_PX))
            pages.append(RenderedPage(image, codes, boxes, height))
    finally:
        document.close()
    return pages


def quiet_zone_px(code: FoundCode, modules: int) -> float:
    return 4 * (code.right - code.left + 1) / modules


def quiet_zone_is_white(page: RenderedPage, code: FoundCode, modules: int) -> bool:
    """The ring of 4 modules around the symbol holds no ink (a pixel of anti-aliasing allowed)."""
    quiet = quiet_zone_px(code, modules)
    outer = (round(code.left - quiet) + 1, round(code.top - quiet) + 1,
             round(code.right + quiet) - 1, round(code.bottom + quiet) - 1)
    inner = (round(code.left) - 2, round(code.top) - 2, round(code.right) + 2, round(code.bottom) + 2)
    strips = [
        (outer[0], outer[1], outer[2], inner[1]),  # above
        (outer[0], inner[3], outer[2], outer[3]),  # below
        (outer[0], inner[1], inner[0], inner[3]),  # left
        (inner[2], inner[1], outer[2], inner[3]),  # right
    ]
    for box in strips:
        if box[2] - box[0] < 1 or box[3] - box[1] < 1:
            continue
        darkest, _ = page.image.crop(box).getextrema()
        if darkest < 200:
            return False
    return True


def overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
