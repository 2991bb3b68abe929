"""E-invoices read from their XML: Factur-X/ZUGFeRD inside PDFs, XRechnung CII and UBL
files, with the profile, the schema's warnings, and no trust in foreign XML."""

from pathlib import Path

import pytest

from adapters.documents.kinds import sniff
from adapters.documents.ports import RejectedFile
from adapters.documents.reader import DocumentReader

REAL = Path(__file__).parents[2] / "bench" / "corpus" / "real" / "einvoice"
reader = DocumentReader(max_bytes=10_000_000)


def read(name: str):
    return reader.read((REAL / name).read_bytes())


def test_a_factur_x_pdf_is_read_from_its_xml_exactly():
    facts = read("FNFE-factur-x-examples__Facture_FR_BASICWL.pdf")
    assert facts.read_from == "e-invoice"
    assert facts.e_invoice.embedded and facts.e_invoice.syntax == "CII"
    assert facts.e_invoice.profile == "BASIC WL"
    assert (facts.number.value, facts.total.value) == ("FA-2017-0010", "671.15")
    assert (facts.issue_date.value, facts.due_date.value) == (
        "2017-11-13",
        "2017-12-13",
    )
    assert facts.supplier_tax_id.value == "FR11999999998"
    assert facts.currency.value == "EUR" and facts.tax_total.value == "46.25"
    assert {facts.total.confidence, facts.number.confidence} == {1.0}


@pytest.mark.parametrize(
    ("name", "profile", "syntax"),
    [
        ("CII__XRECHNUNG_Einfach.cii.xml", "XRECHNUNG", "CII"),
        ("UBL__XRECHNUNG_Einfach.ubl.xml", "XRECHNUNG", "UBL"),
        ("CII__EN16931_Einfach.cii.xml", "EN 16931", "CII"),
        ("FNFE-factur-x-examples__Facture_FR_MINIMUM.pdf", "MINIMUM", "CII"),
        (
            "intarsys__EXTENDED__zugferd_2p0_EXTENDED_Rechnungskorrektur.pdf",
            "EXTENDED",
            "CII",
        ),
        ("v1__Intarsys__ZUGFeRD_1p0_BASIC_Einfach.pdf", "BASIC", "CII"),
    ],
)
def test_the_profile_is_named(name, profile, syntax):
    facts = read(name)
    assert facts.e_invoice.profile == profile and facts.e_invoice.syntax == syntax


def test_the_same_invoice_in_cii_ubl_and_factur_x_reads_the_same():
    cii, ubl = (
        read("CII__EN16931_Einfach.cii.xml"),
        read("UBL__EN16931_Einfach.ubl.xml"),
    )
    pdf = read("FX__EN16931_Einfach.pdf")
    fields = ("number", "issue_date", "currency", "supplier_tax_id")
    for field in fields:
        assert getattr(cii, field) == getattr(ubl, field) == getattr(pdf, field)
    assert {float(f.total.value) for f in (cii, ubl, pdf)} == {529.87}
    assert not cii.e_invoice.embedded and pdf.e_invoice.embedded


def test_a_ubl_credit_note_is_a_credit_note():
    facts = read("UBL__ubl-tc434-creditnote1.xml")
    assert facts.document_type.value == "credit_note"
    assert facts.number.value == "018304 / 28865"


def test_an_xml_that_fails_its_schema_is_read_and_warned_about():
    data = (REAL / "CII__EN16931_Einfach.cii.xml").read_bytes()
    broken = data.replace(b"<ram:TypeCode>380</ram:TypeCode>", b"", 1)
    assert broken != data
    facts = reader.read(broken)
    assert facts.total.value == "529.87"  # never rejected for it
    assert facts.e_invoice.warnings
    assert "schema" in facts.e_invoice.warnings[0]
    assert not read("CII__EN16931_Einfach.cii.xml").e_invoice.warnings


def test_an_entity_in_foreign_xml_is_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = (REAL / "CII__EN16931_Einfach.cii.xml").read_bytes()
    head, rest = data.split(b"?>", 1)
    evil = (
        head
        + b'?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://'
        + str(secret).encode()
        + b'">]>'
        + rest.replace(b"<ram:ID>471102</ram:ID>", b"<ram:ID>&xxe;</ram:ID>", 1)
    )
    facts = reader.read(evil)
    assert "TOPSECRET" not in facts.model_dump_json()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'<?xml version="1.0"?><order><id>1</id></order>', "not_a_document"),
        (b'<?xml version="1.0"?><Invoice><unclosed></Invoice>', "unreadable"),
    ],
)
def test_xml_that_is_no_invoice_is_rejected_with_a_reason(data, code):
    with pytest.raises(RejectedFile) as err:
        reader.read(data)
    assert err.value.code == code


def test_files_are_told_apart_by_their_bytes():
    assert sniff((REAL / "FX__EN16931_Einfach.pdf").read_bytes()) == "application/pdf"
    assert (
        sniff((REAL / "UBL__EN16931_Einfach.ubl.xml").read_bytes()) == "application/xml"
    )
    assert sniff(b"<!DOCTYPE html><html></html>") == "application/octet-stream"
    assert sniff(b"\x89PNG\r\n\x1a\n....") == "image/png"
