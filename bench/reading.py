"""How well the document reader reads, per part of the corpus, and how fast.

Run: python -m bench.reading         (part of make bench)

Parts, each scored on its own:
- e-invoice: real CII, UBL and Factur-X/ZUGFeRD files, read from their XML;
- real PDF text: the same real Factur-X PDFs read from their page alone (their XML
  is the label), and real invoices without XML (labelled by hand);
- generated: this project's own six layouts;
- scans: pages of real and generated invoices rendered to images, read by OCR.

Prints per-field accuracy, the wrong values among those read at confidence >= 0.9
(calibration), and time per document and per page."""

import argparse
import json
import random
import tempfile
import time
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from adapters.documents import ocr
from adapters.documents.reader import DocumentReader, pdf_pages
from agents.dedupe_policy import normal_number
from bench.corpus.generate import generate
from bench.corpus.real_labels import FIELDS as LABELLED
from bench.corpus.scans import scanned
from bench.dedupe_corpus import FIELDS as GENERATED_LABELS
from bench.reading_duplicates import duplicates

REAL = Path(__file__).parent / "corpus" / "real"
FOREIGN = Path(__file__).parent / "corpus" / "foreign"
FIELDS = [*LABELLED, "document_type"]  # the supplier's name is not scored
# DocumentFacts field -> the generated corpus's label
GENERATED = {f: label for f, label in GENERATED_LABELS.items() if f in FIELDS}
SURE = 0.9
BANDS = (0.9, 0.8, 0.7, 0.5, 0.0)  # confidence from this up to the one above


def same(field: str, got: str | None, want: str | None, credit=False) -> bool:
    if got is None or want is None:
        return got == want
    if field in ("total", "tax_total"):
        try:  # a credit note's XML states its amounts unsigned; pages print a minus
            if credit:
                return abs(Decimal(got)) == abs(Decimal(want))
            return Decimal(got) == Decimal(want)
        except InvalidOperation:
            return False
    if field == "number":  # as the duplicate layer compares them
        return normal_number(got) == normal_number(want)
    if field == "supplier_tax_id":
        return got.replace(" ", "").upper() == want.replace(" ", "").upper()
    return got == want


class Score:
    """Per-field right/scored counts, calibration, and time for one part."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep  # in the duplicate measure
        self.right, self.scored = defaultdict(int), defaultdict(int)
        self.sure, self.sure_wrong = 0, 0
        self.docs, self.pages, self.seconds = 0, 0, 0.0
        self.misses: list[str] = []
        self.bands: dict[float, list[int]] = {b: [0, 0] for b in BANDS}  # n, wrong

    def add(self, name, facts, truth: dict, scored_none: bool, pages, seconds):
        if self.keep:
            READ.append((name, truth, facts))
        self.docs, self.pages = self.docs + 1, self.pages + pages
        self.seconds += seconds
        for field in FIELDS:
            want = truth.get(field)
            if want is None and not scored_none:
                continue  # not labelled
            reading = getattr(facts, field)
            credit = truth.get("document_type") == "credit_note"
            ok = same(field, reading.value, want, credit)
            self.scored[field] += 1
            self.right[field] += ok
            if reading.value is not None and reading.confidence >= SURE:
                self.sure += 1
                self.sure_wrong += not ok
            if reading.value is not None:
                band = next(b for b in BANDS if reading.confidence >= b)
                self.bands[band][0] += 1
                self.bands[band][1] += not ok
            if not ok and len(self.misses) < 400:
                self.misses.append(f"{name}: {field} {reading.value!r} != {want!r}")

    def line(self, title: str) -> str:
        cells = []
        for field in FIELDS:
            n = self.scored[field]
            cells.append(f"{100 * self.right[field] / n:5.1f}%" if n else "    -")
        wrong = 100 * self.sure_wrong / self.sure if self.sure else 0.0
        per_doc = 1000 * self.seconds / max(self.docs, 1)
        per_page = 1000 * self.seconds / max(self.pages, 1)
        return (
            f"{title:<22}{self.docs:>5} "
            + " ".join(cells)
            + f"  {wrong:5.1f}% of {self.sure:<4} {per_doc:7.0f} {per_page:7.0f}"
        )


# Every document read, for the duplicate measure: (name, truth, facts).
READ: list[tuple[str, dict, object]] = []


def header() -> str:
    names = " ".join(f"{f[:6]:>6}" for f in FIELDS)
    return f"{'part':<22}{'docs':>5} {names}  wrong@0.9      ms/doc ms/page"


def timed(read, data: bytes):
    start = time.perf_counter()
    facts = read(data)
    return facts, time.perf_counter() - start


def e_invoices(reader, labels) -> Score:
    score = Score()
    for item in labels:
        if item["part"] != "e-invoice":
            continue
        data = (REAL / item["file"]).read_bytes()
        facts, took = timed(reader.read, data)
        score.add(item["file"], facts, item["truth"], True, 1, took)
    return score


def real_text(reader, labels) -> tuple[Score, Score]:
    """The Factur-X PDFs read from the page alone, and the PDFs without XML."""
    from_xml, by_hand = Score(), Score()
    for item in labels:
        if item["file"].endswith(".xml"):
            continue
        data = (REAL / item["file"]).read_bytes()
        region = item.get("region")
        facts, took = timed(lambda d, r=region: reader.read_page_text(d, r), data)
        score = from_xml if item["part"] == "e-invoice" else by_hand
        # XML labels state every field; a field the XML lacks is often printed
        # anyway (a due date in words), so only labelled fields are scored there.
        score.add(item["file"], facts, item["truth"], False, pdf_pages(data), took)
    return from_xml, by_hand


def foreign(reader) -> dict[str, Score]:
    """Other generators' layouts, scored per language."""
    scores: dict[str, Score] = defaultdict(Score)
    for item in json.loads((FOREIGN / "labels.json").read_text()):
        data = (FOREIGN / item["file"]).read_bytes()
        region = item["region"]
        facts, took = timed(lambda d, r=region: reader.read_page_text(d, r), data)
        scores[item["language"]].add(
            item["file"], facts, item["truth"], True, pdf_pages(data), took
        )
    return scores


def scans(reader, labels, limit: int) -> Score:
    """Real and other-layout invoices, scanned: JPEG photos and image-only PDFs."""
    rng = random.Random(14)
    score = Score()
    picked = [i for i in labels if i["file"].endswith(".pdf")]
    picked = rng.sample(picked, min(limit, len(picked)))
    for n, item in enumerate(picked):
        data = scanned((item["root"] / item["file"]).read_bytes(), rng, n % 2 == 0)
        region = item.get("region")
        facts, took = timed(lambda d, r=region: reader.read(d, r), data)
        score.add(item["file"] + " (scan)", facts, item["truth"], False, 1, took)
    return score


def generated(reader) -> Score:
    score = Score(keep=False)  # its duplicates: bench.dedupe_corpus
    with tempfile.TemporaryDirectory() as tmp:
        items = generate(Path(tmp))
        for item in items:
            data = (Path(tmp) / item.file).read_bytes()
            truth = {f: item.truth.get(label) for f, label in GENERATED.items()}
            facts, took = timed(lambda d: reader.read_page_text(d, "GB"), data)
            score.add(item.file, facts, truth, True, pdf_pages(data), took)
    return score


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list every miss")
    parser.add_argument("--scans", type=int, default=40, help="documents to scan")
    args = parser.parse_args()
    reader = DocumentReader(max_bytes=50_000_000)
    labels = json.loads((REAL / "labels.json").read_text())
    parts = [("e-invoice (XML)", e_invoices(reader, labels))]
    from_xml, by_hand = real_text(reader, labels)
    parts += [("real PDF, page only", from_xml), ("real PDF, no XML", by_hand)]
    for language, score in sorted(foreign(reader).items()):
        parts.append((f"other layouts: {language}", score))
    parts.append(("generated", generated(reader)))
    if ocr.available():
        foreign_labels = json.loads((FOREIGN / "labels.json").read_text())
        pool = [i | {"root": REAL} for i in labels if i["part"] == "real-pdf"]
        pool += [i | {"root": FOREIGN} for i in foreign_labels]
        parts.append(("scans (OCR)", scans(reader, pool, args.scans)))
    else:
        print("tesseract is not installed (make ocr): the scans part is left out")
    print(header())
    for title, score in parts:
        print(score.line(title))
    print(
        "\ncalibration: values read from pages and scans (no e-invoices, no generated)"
    )
    pooled = {b: [0, 0] for b in BANDS}
    for title, score in parts:
        if title.startswith(("e-invoice", "generated")):
            continue
        for b, (n, wrong) in score.bands.items():
            pooled[b][0] += n
            pooled[b][1] += wrong
    upper = 1.0
    for b in BANDS:
        n, wrong = pooled[b]
        share = f"{100 * wrong / n:5.1f}%" if n else "    -"
        print(f"  confidence {b:.1f} to {upper:.1f}: {n:4d} values, {share} wrong")
        upper = b
    same, caught, other, merged, missed = duplicates(READ)
    print(
        f"\nduplicates (real, other layouts, scans; the generated corpus is in "
        f"bench.dedupe_corpus): {caught}/{same} pairs of one invoice caught "
        f"({100 * caught / max(same, 1):.1f}%), {merged} of {other} pairs of two "
        f"invoices merged"
    )
    if args.misses:
        for title, score in parts:
            print(f"\n{title}:")
            for miss in score.misses:
                print("  " + miss)
        print("\npairs of one invoice the duplicate layer missed, by document:")
        for name, count in Counter(n for pair in missed for n in pair).most_common():
            print(f"  {count:3d}  {name}")


if __name__ == "__main__":
    main()
