"""Reading PDFs: text in reading order, a page map, running headers marked as noise, clear reasons.

Every PDF is written by the tests themselves with a tiny PDF writer (Helvetica text drawn at
given positions, an inline image, RC4 encryption), so the repository holds no binary file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from corroborator.errors import InputError
from corroborator.ingest import read_documents
from corroborator.model import Document, page_of

# -- a tiny PDF writer -------------------------------------------------------------------------------------------

Line = tuple[float, float, str]  # x, y (from the bottom of the page), text


def _content(lines: list[Line], size: int = 11) -> str:
    """A content stream drawing each line in Helvetica at its place."""
    drawn = []
    for x, y, text in lines:
        text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        drawn.append(f"BT /F1 {size} Tf {x} {y} Td ({text}) Tj ET")
    return "\n".join(drawn)


#: A 2 x 2 grey image drawn over 200 x 200 points: what a scanned page holds instead of text.
IMAGE = "q 200 0 0 200 100 400 cm BI /W 2 /H 2 /CS /G /BPC 8 /F /AHx ID 00FF80FF> EI Q"


def _serialise(objects: list[bytes], trailer: bytes) -> bytes:
    """A PDF file of the numbered objects (1, 2, ...) with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d " % (len(objects) + 1) + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def make_pdf(pages: list[str], title: str | None = None) -> bytes:
    """A PDF with one page per content stream (US Letter, Helvetica as /F1)."""
    n = len(pages)
    # 1 catalog, 2 pages, 3 font, then page i at 4 + 2i and its content at 5 + 2i, then the info.
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)), n),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    for i, content in enumerate(pages):
        data = content.encode("latin-1")
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>" % (5 + 2 * i))
        objects.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
    trailer = b"/Root 1 0 R"
    if title is not None:
        objects.append(b"<< /Title (%s) >>" % title.encode("latin-1"))
        trailer += b" /Info %d 0 R" % len(objects)
    return _serialise(objects, trailer)


# The standard security handler (PDF 1.4, revision 2: RC4 with a 40-bit key), enough to
# write a PDF that needs a user password to open.
_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def make_encrypted_pdf(content: str, user: bytes = b"secret", owner: bytes = b"owner") -> bytes:
    """A one-page PDF encrypted with the user password ``user`` (algorithms 2, 3 and 4 of PDF 1.4)."""
    file_id = hashlib.md5(b"fixture").digest()
    permissions = -44
    o_value = _rc4(hashlib.md5((owner + _PAD)[:32]).digest()[:5], (user + _PAD)[:32])
    key = hashlib.md5((user + _PAD)[:32] + o_value + permissions.to_bytes(4, "little", signed=True)
                      + file_id).digest()[:5]
    u_value = _rc4(key, _PAD)
    stream = _rc4(hashlib.md5(key + (4).to_bytes(3, "little") + bytes(2)).digest()[:10], content.encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (o_value.hex().encode(), u_value.hex().encode(),
                                                                      permissions),
    ]
    ids = b"<%s>" % file_id.hex().encode()
    return _serialise(objects, b"/Root 1 0 R /Encrypt 6 0 R /ID [%s %s]" % (ids, ids))


# -- the documents ---------------------------------------------------------------------------------------------------

HEADER = "Eastvale Monitor - Flood report, March 2021"
BODIES = [
    ["Floods swept through the lower town of Eastvale on Tuesday night.",
     "At least 23 people were killed, the regional health office said.",
     "Rescue teams were still searching the river banks on Wednesday."],
    ["The mayor said 400 families had fled to the school on the hill.",
     "Aid convoys reached the school late on Wednesday afternoon.",
     "Residents said the warning sirens never sounded."],
    ["The regional governor promised an inquiry into the dams.",
     "Engineers had warned of cracks in the upper dam in 2019.",
     "The inquiry is to report within three months."],
]


def _report_pdf(header_last_on_page: int | None = None) -> bytes:
    """Three pages with a running header, a page number at the bottom, and their own body text."""
    pages = []
    for number, body in enumerate(BODIES, start=1):
        header = [(72, 750, HEADER)]
        lines = [(72, 700 - 16 * i, text) for i, text in enumerate(body)]
        footer = [(300, 40, str(number))]
        # Some generators draw the header last: it is still a header (found by its position).
        drawn = lines + footer + header if number == header_last_on_page else header + lines + footer
        pages.append(_content(drawn))
    return make_pdf(pages)


def _read_one(path: Path) -> Document:
    result = read_documents(path)
    assert len(result.documents) == 1
    return result.documents[0]


def _reason(path: Path) -> str:
    with pytest.raises(InputError) as info:
        read_documents(path)
    assert info.value.path == str(path)
    return info.value.reason


# -- tests -----------------------------------------------------------------------------------------------------------

def test_pdf_document_id_media_type_and_page_map(tmp_path: Path) -> None:
    raw = _report_pdf()
    (tmp_path / "report.pdf").write_bytes(raw)
    doc = _read_one(tmp_path / "report.pdf")
    assert doc.id == doc.sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.media_type == "application/pdf"
    assert len(doc.pages) == 3 and doc.pages[0] == 0
    for start, body in zip(doc.pages, BODIES):
        assert doc.text[start:].startswith(HEADER + "\n" + body[0] + "\n")
    # Pages are joined by a blank line, and each offset falls on its own page.
    assert doc.text[doc.pages[1] - 2:doc.pages[1]] == "\n\n"
    assert page_of(doc, 0) == 1
    assert page_of(doc, doc.text.index("400 families")) == 2
    assert page_of(doc, doc.pages[2] - 1) == 2  # the page break belongs to the page before
    assert page_of(doc, doc.pages[2]) == 3
    assert page_of(doc, len(doc.text)) == 3
    assert page_of(doc, len(doc.text) + 1) is None
    assert page_of(Document("x", "x", "x", "text/plain", "text"), 0) is None


def test_pdf_running_header_and_page_numbers_are_noise_not_deleted(tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(_report_pdf(header_last_on_page=2))
    doc = _read_one(tmp_path / "report.pdf")
    spans = [(doc.text[n.start:n.end], n.kind, page_of(doc, n.start)) for n in doc.noise]
    assert spans == [
        (HEADER, "running_header", 1), ("1", "page_number", 1),
        ("2", "page_number", 2), (HEADER, "running_header", 2),
        (HEADER, "running_header", 3), ("3", "page_number", 3),
    ]
    # The header was drawn last on page 2: the text keeps PDFium's order, the span is where the header is.
    page2 = doc.text[doc.pages[1]:doc.pages[2]]
    assert page2.rstrip("\n").endswith("2\n" + HEADER)
    assert doc.text.count(HEADER) == 3
    assert [n.start for n in doc.noise] == sorted(n.start for n in doc.noise)
    # The body is no noise.
    assert doc.in_noise(doc.text.index("At least 23"), doc.text.index("At least 23") + 10) is None


def test_pdf_header_on_one_page_only_is_not_running(tmp_path: Path) -> None:
    pages = [_content([(72, 750, "A title on the first page only")] + [(72, 700, body[0])]) for body in BODIES]
    pages[1] = _content([(72, 700, BODIES[1][0])])
    pages[2] = _content([(72, 700, BODIES[2][0])])
    (tmp_path / "one.pdf").write_bytes(make_pdf(pages))
    doc = _read_one(tmp_path / "one.pdf")
    assert doc.noise == ()


def test_pdf_page_number_forms(tmp_path: Path) -> None:
    forms = ["Page 1 of 3", "- 2 -", "iii"]
    pages = [_content([(72, 700 - 16 * i, text) for i, text in enumerate(body)] + [(280, 40, form)])
             for body, form in zip(BODIES, forms)]
    (tmp_path / "numbers.pdf").write_bytes(make_pdf(pages))
    doc = _read_one(tmp_path / "numbers.pdf")
    assert [(doc.text[n.start:n.end], n.kind) for n in doc.noise] == [(f, "page_number") for f in forms]


def test_pdf_two_columns_keep_reading_order(tmp_path: Path) -> None:
    left = ["Soldiers entered the village of Ardan", "before dawn on 12 May, residents said.",
            "They detained 30 men and took them", "to a base outside the town."]
    right = ["Relatives said none of the men has", "been charged. The army did not reply",
             "to questions about the detentions.", "A lawyer has filed a complaint."]
    # The columns share the same heights: a reader that sorts by height would interleave them.
    lines = [(72, 700 - 14 * i, t) for i, t in enumerate(left)] + [(320, 700 - 14 * i, t) for i, t in enumerate(right)]
    (tmp_path / "columns.pdf").write_bytes(make_pdf([_content(lines)]))
    doc = _read_one(tmp_path / "columns.pdf")
    assert doc.text.split("\n") == left + right


def test_pdf_removes_pdfium_hyphen_marks(tmp_path: Path) -> None:
    lines = [(72, 700, "The water reached the upper flo-"), (72, 686, "ors of the houses, residents said.")]
    (tmp_path / "hyphen.pdf").write_bytes(make_pdf([_content(lines)]))
    doc = _read_one(tmp_path / "hyphen.pdf")
    assert "\x02" not in doc.text
    assert "upper floors of the houses" in doc.text


def test_pdf_title_from_metadata_unless_it_is_a_file_name(tmp_path: Path) -> None:
    page = _content([(72, 700, BODIES[0][0]), (72, 684, BODIES[0][1])])
    (tmp_path / "titled.pdf").write_bytes(make_pdf([page], title="Floods in Eastvale"))
    (tmp_path / "word.pdf").write_bytes(make_pdf([page], title="Microsoft Word - draft3.docx"))
    assert _read_one(tmp_path / "titled.pdf").title == "Floods in Eastvale"
    assert _read_one(tmp_path / "word.pdf").title is None


def test_pdf_scanned_without_text_layer_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(make_pdf([IMAGE, IMAGE]))
    reason = _reason(tmp_path / "scan.pdf")
    assert reason == ("no text layer: a scanned or image-only PDF (2 of 2 page(s) are images, no text at all); "
                      "run OCR on it first")


def test_pdf_empty_pages_are_skipped_with_their_own_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.pdf").write_bytes(make_pdf(["", ""]))
    assert _reason(tmp_path / "empty.pdf") == "no text layer: the PDF has 2 page(s) and no text at all"


def test_pdf_scan_with_only_page_numbers_has_no_text_layer(tmp_path: Path) -> None:
    pages = [IMAGE + "\n" + _content([(300, 40, str(n))]) for n in (1, 2, 3)]
    (tmp_path / "numbered-scan.pdf").write_bytes(make_pdf(pages))
    assert _reason(tmp_path / "numbered-scan.pdf") == (
        "no text layer: a scanned or image-only PDF (3 of 3 page(s) are images, no text besides page numbers and "
        "running headers); run OCR on it first")


def test_pdf_scanned_pages_in_a_text_pdf_are_a_problem(tmp_path: Path) -> None:
    pages = [_content([(72, 700 - 16 * i, t) for i, t in enumerate(BODIES[0])]), IMAGE,
             _content([(72, 700 - 16 * i, t) for i, t in enumerate(BODIES[2])])]
    (tmp_path / "mixed.pdf").write_bytes(make_pdf(pages))
    result = read_documents(tmp_path / "mixed.pdf")
    assert result.problems == ["page(s) 2 of 3 are images with little or no text (scanned?); "
                               "any text in the images is missing"]
    (doc,) = result.documents
    # The scanned page is in the page map, holding nothing but the page break.
    assert len(doc.pages) == 3 and doc.text[doc.pages[1]:doc.pages[2]] == "\n\n"
    assert doc.text[doc.pages[2]:].startswith(BODIES[2][0])
    assert page_of(doc, doc.pages[2]) == 3


def test_pdf_encrypted_is_skipped_with_password_reason(tmp_path: Path) -> None:
    raw = make_encrypted_pdf(_content([(72, 700, "Confidential report on the detentions in Ardan.")]))
    # The fixture is really encrypted: PDFium opens it with the password.
    with pdfium.PdfDocument(raw, password="secret") as pdf:
        assert "Confidential report" in pdf[0].get_textpage().get_text_bounded()
    (tmp_path / "locked.pdf").write_bytes(raw)
    assert _reason(tmp_path / "locked.pdf").startswith("encrypted PDF: it needs a password to open")


def test_pdf_truncated_or_not_a_pdf_is_skipped(tmp_path: Path) -> None:
    raw = _report_pdf()
    (tmp_path / "truncated.pdf").write_bytes(raw[: len(raw) // 3])
    assert _reason(tmp_path / "truncated.pdf") == "broken PDF: PDFium cannot parse it (truncated or corrupt file)"
    (tmp_path / "fake.pdf").write_text("This is a text file named .pdf, not a PDF at all.")
    assert _reason(tmp_path / "fake.pdf") == "not a PDF (no %PDF- header at the start of the file)"
    (tmp_path / "zero.pdf").write_bytes(b"")
    assert _reason(tmp_path / "zero.pdf") == "empty file"


def test_pdf_too_large_is_skipped(tmp_path: Path) -> None:
    from corroborator.ingest import IngestOptions

    (tmp_path / "big.pdf").write_bytes(_report_pdf())
    with pytest.raises(InputError, match="too large"):
        read_documents(tmp_path / "big.pdf", IngestOptions(max_bytes=100))


@pytest.mark.slow
def test_pdf_builds_into_a_case(tmp_path: Path) -> None:
    from corroborator.engines.local import BuildOptions, build

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "report.pdf").write_bytes(_report_pdf())
    (tmp_path / "in" / "scan.pdf").write_bytes(make_pdf([IMAGE]))
    summary = build([tmp_path / "in"], tmp_path / "case.duckdb", BuildOptions(workers=1))
    assert summary.documents_added == 1
    assert [(Path(p).name, r.split(":")[0]) for p, r in summary.skipped] == [("scan.pdf", "no text layer")]


def test_merge_noise_keeps_what_ingest_marked() -> None:
    from corroborator.model import NoiseSpan, merge_noise

    ingest = (NoiseSpan(0, 10, "running_header"), NoiseSpan(50, 52, "page_number"))
    cleaner = (NoiseSpan(5, 20, "headline"), NoiseSpan(30, 40, "caption"), NoiseSpan(51, 60, "footer"))
    assert merge_noise(ingest, cleaner) == (NoiseSpan(0, 10, "running_header"), NoiseSpan(30, 40, "caption"),
                                            NoiseSpan(50, 52, "page_number"))
    assert merge_noise((), cleaner) == cleaner


def test_pdf_running_headers_survive_cleaning(tmp_path: Path) -> None:
    from corroborator.analyze.pipeline import clean_document

    (tmp_path / "report.pdf").write_bytes(_report_pdf())
    doc = _read_one(tmp_path / "report.pdf")
    cleaned = clean_document(doc)
    marked = {(n.start, n.end, n.kind) for n in doc.noise}
    assert len(marked) == 6
    assert marked <= {(n.start, n.end, n.kind) for n in cleaned.noise}
