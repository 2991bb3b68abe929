"""E-invoices for the demo portals: a Factur-X PDF (the invoice's PDF with its CII XML
inside) or an XRechnung (CII) XML file, made with the factur-x library."""

import io
from datetime import UTC, datetime, time
from decimal import Decimal

import facturx
from lxml import etree

from infra.demo_portal.data import Invoice

XRECHNUNG = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
RATE = Decimal(19)
CENT = Decimal("0.01")


def cii_xml(supplier: str, vat_id: str, invoice: Invoice, xrechnung: bool) -> bytes:
    """The invoice as EN 16931 CII; XRechnung names its own specification."""
    gross = abs(invoice.total)
    net = (gross * 100 / (100 + RATE)).quantize(CENT)
    tax = gross - net
    data = {
        "BT-1": invoice.number,
        "BT-2": invoice.issued_on,
        "BT-3": "381" if invoice.kind == "credit_note" else "380",
        "BT-5": invoice.currency,
        "BT-10": "04011000-12345-03",  # the buyer's reference XRechnung requires
        "BT-72": invoice.issued_on,
        "BG-4": {
            "name": supplier,
            "vat_identifier": vat_id,
            "country_code": "DE",
            "city": "Berlin",
            "postcode": "10115",
            "addr_l1": "Marktstraße 1",
        },
        "BG-7": {
            "name": invoice.customer,
            "country_code": "DE",
            "city": "Köln",
            "postcode": "50667",
            "addr_l1": "Domplatz 2",
        },
        "BT-106": str(net),
        "BT-109": str(net),
        "BT-110": str(tax),
        "BT-112": str(gross),
        "BT-115": str(gross),
        "BG-23": [
            {"BT-116": str(net), "BT-117": str(tax), "BT-118": "S", "BT-119": "19.00"}
        ],
        "BG-25": [
            {
                "BT-126": "1",
                "BT-129": "1",
                "BT-130": "C62",
                "BT-131": str(net),
                "BT-146": str(net),
                "BT-151": "S",
                "BT-152": "19.00",
                "BT-153": f"Leistungen {invoice.issued_on:%m/%Y}",
            }
        ],
    }
    xml = facturx.generate_cii_xml(data, level="en16931", check_schematron=False)
    if not xrechnung:
        return xml
    root = etree.fromstring(xml)
    spec = root.xpath(
        "//*[local-name()='GuidelineSpecifiedDocumentContextParameter']/*"
    )
    spec[0].text = XRECHNUNG
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def factur_x(pdf: bytes, xml: bytes, invoice: Invoice) -> bytes:
    """The PDF with its XML attached as Factur-X prescribes; fixed dates in its
    metadata keep the same invoice the same bytes."""
    when = datetime.combine(invoice.issued_on, time(), UTC)
    out = facturx.generate_from_binary(
        pdf,
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=False,
        pdf_metadata={"author": "Demo", "title": invoice.number, "subject": "Invoice",
                      "keywords": "Factur-X", "creation_date": when, "mod_date": when},
    )  # fmt: skip
    return bytes(out) if not isinstance(out, io.BytesIO) else out.getvalue()
