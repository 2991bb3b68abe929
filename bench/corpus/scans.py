"""Scans of the corpus's PDFs, as a scanner or a phone gives them: made by the
benchmark from committed PDFs, the same every run (a seeded random source)."""

import io
import random

import pypdfium2 as pdfium
from PIL import Image, ImageChops


def scanned(data: bytes, rng: random.Random, as_pdf: bool) -> bytes:
    """A PDF's first and last pages as a scanner or a phone would give them: grey,
    150 dpi, slightly turned, speckled, JPEG-compressed (or wrapped in a PDF)."""
    pdf = pdfium.PdfDocument(data)
    pages = sorted({0, len(pdf) - 1})
    images = []
    for i in pages:
        image = pdf[i].render(scale=150 / 72).to_pil().convert("L")
        image = image.rotate(rng.uniform(-1.2, 1.2), expand=True, fillcolor=255)
        noise = Image.effect_noise(image.size, 18).point(lambda v: v - 128)
        image = ImageChops.add(image, noise.convert("L"), scale=1.0, offset=-6)
        images.append(image)
    buf = io.BytesIO()
    if as_pdf:
        images[0].save(
            buf, "PDF", resolution=150, save_all=True, append_images=images[1:]
        )
    else:
        tall = Image.new(
            "L", (max(i.width for i in images), sum(i.height for i in images)), 255
        )
        y = 0
        for image in images:
            tall.paste(image, (0, y))
            y += image.height
        tall.save(buf, "JPEG", quality=70)
    return buf.getvalue()
