"""A procedure's papers (thành phần hồ sơ) as the catalog keeps them: one 'name|kind|count' a line, read
from a file's cell ("one paper a line, or ';'-separated, '(bản chính)'/'(bản sao)' recognised")."""

from __future__ import annotations

import re

from models.dossier import MAX_PAPER_COUNT, PAPER_KINDS, Paper, make_paper, parse_paper
from models.errors import UserError
from models.text import clean_text, fold

MAX_PAPERS = 60
# '(bản sao chứng thực)', '(bản chính)', '(bản sao)': the longest first, so a certified copy stays one.
_KIND = re.compile(r"\(\s*(bản\s+sao\s+(?:có\s+)?chứng\s+thực|bản\s+chính|bản\s+sao)\s*\)", re.IGNORECASE)
_COUNT = re.compile(r"(?:^|[\s,:(])(?:số lượng\s*:?\s*)?(\d{1,3})\s*(?:bản|bộ)\b|\bx\s*(\d{1,3})\s*$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*(?:[-+•*]|\d{1,2}[.)])\s*")


def _kind_key(text: str) -> str:
    folded = fold(text)
    if "chung thuc" in folded:
        return "ban_sao_chung_thuc"
    return "ban_sao" if "sao" in folded else "ban_chinh"


def parse_paper_text(text: str) -> Paper:
    """'Giấy chứng sinh (bản sao) 01 bản' -> Paper('Giấy chứng sinh', 'ban_sao', 1)."""
    line = _BULLET.sub("", clean_text(text))
    kind = "ban_chinh"
    found = _KIND.search(line)
    if found:
        kind = _kind_key(found.group(1))
        line = (line[:found.start()] + " " + line[found.end():]).strip()
    count = 1
    counted = _COUNT.search(line)
    if counted:
        count = int(counted.group(1) or counted.group(2))
        line = (line[:counted.start()] + line[counted.end():]).strip(" ,;:")
    if not 1 <= count <= MAX_PAPER_COUNT:
        raise UserError(f"Số lượng giấy tờ '{clean_text(text)}' phải từ 1 đến {MAX_PAPER_COUNT}.")
    return make_paper(line.strip(" ,;:"), kind, count)


def parse_papers_cell(cell: str) -> str:
    """A file's "Thành phần hồ sơ" cell -> the stored text ('' when empty); UserError for a bad paper."""
    text = str(cell or "").replace("\r\n", "\n")
    pieces = [piece for line in text.split("\n") for piece in line.split(";")]
    papers = [parse_paper_text(piece) for piece in pieces if clean_text(_BULLET.sub("", clean_text(piece)))]
    if len(papers) > MAX_PAPERS:
        raise UserError(f"Thành phần hồ sơ có {len(papers)} giấy tờ, tối đa {MAX_PAPERS}.")
    return papers_text(papers)


def papers_text(papers: list[Paper] | tuple[Paper, ...]) -> str:
    """The stored form: one 'name|kind|count' a line."""
    return "\n".join(f"{p.name.replace('|', '/')}|{p.kind}|{p.count}" for p in papers)


def papers_of(stored: str) -> tuple[Paper, ...]:
    """The stored text back into papers (skipping nothing: it was checked when written)."""
    return tuple(parse_paper(line) for line in (stored or "").split("\n") if line.strip())


def papers_cell(stored: str) -> str:
    """The export's cell: 'Tờ khai (bản chính) 01 bản' a line, which parse_papers_cell reads back."""
    return "\n".join(f"{p.name} ({PAPER_KINDS[p.kind].lower()}) {p.count:02d} bản" for p in papers_of(stored))
