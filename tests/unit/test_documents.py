"""Reading documents and judging duplicates, as pure decisions."""

from datetime import date
from decimal import Decimal

import pytest

from adapters.documents.facts import read_facts
from adapters.documents.reader import DocumentReader, RejectedFile
from adapters.documents.values import find_amounts, find_dates
from agents.dedupe_policy import Judgement, judge, keys, normal_number
from schemas.records import (
    DedupeMode,
    DocumentFacts,
    DocumentMetadata,
    Reading,
    Verdict,
)
from tests.e2e.documents import encrypted, pdf


def test_dates_and_amounts_as_suppliers_print_them():
    text = "05.03.2025 | 5 March 2025 | March 5, 2025 | 2025-03-05 | 5. März 2025"
    assert {d for _, d in find_dates(text)} == {date(2025, 3, 5)}
    assert find_dates("31.02.2025") == []  # not a date
    amounts = find_amounts("1,234.56 | 1.234,56 | £-316.68 | EUR 12,50 | 2025 99.00")
    assert amounts == [
        Decimal("1234.56"),
        Decimal("1234.56"),
        Decimal("-316.68"),
        Decimal("12.50"),
        Decimal("99.00"),
    ]


def test_labels_read_with_high_confidence_and_vat_is_not_august():
    facts = read_facts(
        "Northwind Energy\nINVOICE\nInvoice number: NW-7\nInvoice date: 2025-08-19\n"
        "Services for August 2025  1,291.63\nVAT 20%: 258.33 GBP\nTotal: 1,549.96 GBP",
        ["Northwind Energy"],
    )
    assert facts.number == Reading(value="NW-7", confidence=0.95)
    assert facts.total.value == "1549.96" and facts.tax_total.value == "258.33"
    assert facts.currency.value == "GBP" and facts.issue_date.value == "2025-08-19"
    assert facts.supplier.value == "Northwind Energy"


def test_german_labels():
    facts = read_facts(
        "Hearth Gas\nGutschrift\nGutschrift Nr.: G-12\nGutschriftsdatum: 05.03.2025\n"
        "Gesamtbetrag: -1.234,56 EUR\nUSt-IdNr.: DE811122233"
    )
    assert facts.document_type.value == "credit_note"
    assert (facts.number.value, facts.total.value) == ("G-12", "-1234.56")
    assert facts.supplier_tax_id.value == "DE811122233"


def test_an_unlabelled_text_reads_little_and_says_so():
    facts = read_facts("Thank you for your order.")
    assert facts.total.value is None and facts.number.value is None
    assert facts.document_type.confidence < 0.5


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html>sign in</html>", "not_a_document"),
        (b"PK\x03\x04zip", "not_a_document"),
        (b"%PDF-1.7\ngarbage", "unreadable"),
        (b"%PDF-" + b"0" * 2000, "too_large"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(data, code):
    with pytest.raises(RejectedFile) as err:
        DocumentReader(max_bytes=1500).read(data)
    assert err.value.code == code and err.value.detail


def test_an_encrypted_pdf_or_a_broken_image_is_rejected_with_a_reason():
    with pytest.raises(RejectedFile) as err:
        DocumentReader(10**6).read(encrypted(pdf()))
    assert err.value.code == "encrypted"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    with pytest.raises(RejectedFile) as err:
        DocumentReader(10**6).read(png)
    assert err.value.code == "unreadable" and "image" in err.value.detail


META = DocumentMetadata(issued_on=date(2025, 3, 5))


def facts(**values) -> DocumentFacts:
    return DocumentFacts(
        **{k: Reading(value=v, confidence=0.95) for k, v in values.items()}
    )


def test_keys_ignore_number_punctuation_and_keep_the_kind_apart():
    base = dict(document_type="invoice", total="10.00", currency="GBP")
    base |= {"issue_date": "2025-03-05"}
    a = keys("s", facts(number="INV-2025/001", **base), META)
    b = keys("s", facts(number="inv 2025 001", **base), META)
    assert a.strong == b.strong and a.has_number
    credit = keys(
        "s",
        facts(number="INV-2025/001", **base | {"document_type": "credit_note"}),
        META,
    )  # noqa: E501
    assert credit.strong != a.strong and credit.weak != a.weak
    other = keys("t", facts(number="INV-2025/001", **base), META)
    assert other.strong != a.strong
    assert normal_number("-/-") is None


def test_unsure_facts_yield_to_the_portals_list():
    unsure = DocumentFacts(total=Reading(value="99.00", confidence=0.3))
    meta = DocumentMetadata(
        issued_on=date(2025, 3, 5), total=Decimal("10"), currency="GBP"
    )
    assert keys("s", unsure, meta).weak == "s|invoice|10.00|GBP|2025-03-05"


def test_verdicts_per_mode():
    auto, review, off = DedupeMode.AUTOMATIC, DedupeMode.REVIEW, DedupeMode.OFF
    assert judge(auto, "d1", None) == Judgement(Verdict.DUPLICATE, "d1", False)
    assert judge(review, "d1", None) == Judgement(Verdict.DUPLICATE, "d1", True)
    assert judge(auto, None, "d1") == Judgement(Verdict.SUSPECTED_DUPLICATE, "d1", True)
    assert judge(off, "d1", "d1") == Judgement(Verdict.NEW, None, True)
    assert judge(auto, None, None) == Judgement(Verdict.NEW, None, True)
