"""Scans read by OCR: Debian's tesseract-ocr with its language packs, offline, on each
page image; its words set back where they stand on the page, so the page reader's
layout rules (adapters.documents.layout) apply to a scan as to a PDF's text.

Installed by the project's set-up (`make ocr`), as Chromium is. Where it is missing,
a scan is accepted unread and says so, never rejected."""

import io
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageOps

PAGE_SECONDS = 3.0  # a page that takes longer is left unread
DOCUMENT_SECONDS = 10.0  # first and last pages first: the facts live there
DPI = 200
MAX_PIXELS = 4000  # the longer side of a rendered page, whatever its declared size
ALL_LANGUAGES = "eng+deu+fra+nld+spa+ita"
LANGUAGES = {  # the supplier's region: its language first, English beside it
    "GB": "eng", "US": "eng", "IE": "eng", "IN": "eng",
    "DE": "deu+eng", "AT": "deu+eng", "CH": "deu+fra+ita+eng",
    "FR": "fra+eng", "BE": "fra+nld+eng", "LU": "fra+deu+eng",
    "NL": "nld+eng", "ES": "spa+eng", "IT": "ita+eng",
}  # fmt: skip


@dataclass(frozen=True)
class OcrText:
    text: str  # the pages' words where they stand, as the layout reader expects
    confidence: float  # the OCR's mean word confidence, 0 to 1
    pages: int
    pages_unread: int  # over the time bound


def available() -> bool:
    return shutil.which("tesseract") is not None


def languages(region: str | None) -> str:
    return LANGUAGES.get((region or "").upper(), ALL_LANGUAGES)


def image_pages(data: bytes) -> list[Image.Image]:
    """A PNG or JPEG as one page, grey, large enough for the OCR to read."""
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("L")
    if image.width < 1200:  # a small photo: the OCR reads letters 20+ pixels high
        factor = 1200 / image.width
        image = image.resize((1200, round(image.height * factor)))
    image.thumbnail((MAX_PIXELS, MAX_PIXELS))  # and a huge one no slower than a page
    return [image]


def pdf_pages(data: bytes) -> tuple[int, callable]:
    """The page count of a PDF and a function rendering page i as a grey image."""
    pdf = pdfium.PdfDocument(data)

    def render(i: int) -> Image.Image:
        page = pdf[i]
        # A page declared a metre wide must not make a gigapixel image.
        scale = min(DPI / 72, MAX_PIXELS / max(page.get_size()))
        return page.render(scale=scale).to_pil().convert("L")

    return len(pdf), render


def facts_pages_first(count: int) -> list[int]:
    """Page indexes to read in: the first and the last (where an invoice's facts
    are), then the ones between."""
    return sorted(range(count), key=lambda i: (i not in (0, count - 1), i))


def read_pages(count: int, render, region: str | None) -> OcrText:
    """OCR of the first and last pages, then the ones between, while time allows."""
    deadline = time.monotonic() + DOCUMENT_SECONDS
    texts, confidences, unread = {}, [], 0
    for i in facts_pages_first(count):
        if time.monotonic() > deadline:
            unread += 1
            continue
        found = read_image(render(i), languages(region))
        if found is None:
            unread += 1
            continue
        texts[i], confidence = found
        confidences.append(confidence)
    text = "\n".join(texts[i] for i in sorted(texts))
    mean = statistics.fmean(confidences) if confidences else 0.0
    return OcrText(text, mean, count, unread)


def read_image(image: Image.Image, langs: str) -> tuple[str, float] | None:
    """The page's text laid out as it stands, and the mean word confidence; None
    if the OCR took longer than a page may."""
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", langs, "--psm", "6"]
            + ["-c", "tessedit_do_invert=0", "tsv"],
            input=buf.getvalue(),
            capture_output=True,
            timeout=PAGE_SECONDS,
            # One thread each: two cores serve more pages at once than one page
            # faster, and OpenMP's spinning costs more than it gives here.
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            check=True,
        )
    except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
        return None
    return lay_out(done.stdout.decode("utf-8", "replace"))


def lay_out(tsv: str) -> tuple[str, float]:
    """Tesseract's words (TSV) back on their lines and columns: a word starts at
    the column its left edge is at, so gaps between columns stay wide."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append((int(cols[2]), int(cols[3]), int(cols[4]), left, top, width,
                      float(cols[10]), cols[11]))  # fmt: skip
    if not words:
        return "", 0.0
    char = statistics.median(w[5] / max(len(w[7]), 1) for w in words) or 10
    lines: dict[tuple, list] = {}
    for block, par, line, left, top, _, _, text in words:
        lines.setdefault((block, par, line), []).append((left, top, text))
    out = []
    for key in sorted(lines, key=lambda k: min(t for _, t, _ in lines[k])):
        row = ""
        for left, _, text in sorted(lines[key]):
            column = round(left / char)
            row += " " * max(column - len(row), 1 if row else 0) + text
        out.append(row)
    confidences = [w[6] for w in words if w[6] >= 0]
    return "\n".join(out), statistics.fmean(confidences) / 100 if confidences else 0.0
