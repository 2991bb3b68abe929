"""E-invoices read exactly: UN/CEFACT CII (Factur-X, ZUGFeRD, XRechnung) and UBL 2.1
(XRechnung, Peppol BIS), standalone or embedded in a PDF; every fact from the XML."""

import io
import logging
import re
from dataclasses import dataclass, field

from facturx import get_flavor, get_xml_from_pdf, xml_check_xsd
from facturx.parse_xml import parse_ubl_cii_xml
from lxml import etree

from adapters.documents.ports import RejectedFile
from schemas.records import DocumentFacts, EInvoice, Reading

# factur-x logs every PDF that has no attachment: not news for us.
logging.getLogger("factur-x").setLevel(logging.ERROR)


def parser() -> etree.XMLParser:
    """For foreign XML: no entities expanded, no DTD or schema fetched, no billion
    laughs. A new one each time: an lxml parser must not serve two threads at once."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


ROOTS = {"CrossIndustryInvoice", "CrossIndustryDocument", "Invoice", "CreditNote"}
# UNTDID 1001 codes that credit the buyer; every other invoice code is an invoice.
CREDIT_CODES = {
    "81",
    "83",
    "261",
    "262",
    "296",
    "308",
    "381",
    "396",
    "420",
    "458",
    "532",
}
# BT-24, the specification identifier, as the profile a person knows it by.
PROFILES = [  # (pattern in BT-24, profile), most specific first
    (r"xrechnung", "XRECHNUNG"),
    (r"peppol", "PEPPOL BIS 3.0"),
    (r"extended", "EXTENDED"),
    (r":comfort", "COMFORT"),  # ZUGFeRD 1.0's middle profile
    (r"basicwl|basic-wl|basic_wl", "BASIC WL"),
    (r"minimum", "MINIMUM"),
    (r"basic", "BASIC"),
    (r"en16931", "EN 16931"),
]
V1 = {  # ZUGFeRD 1.0 (the parser reads 2.x and UBL only): BT id -> local-name path
    "BT-1": "HeaderExchangedDocument/ID",
    "BT-2": "HeaderExchangedDocument/IssueDateTime/DateTimeString",
    "BT-3": "HeaderExchangedDocument/TypeCode",
    "BT-24": "SpecifiedExchangedDocumentContext/"
    "GuidelineSpecifiedDocumentContextParameter/ID",
    "BT-5": "//ApplicableSupplyChainTradeSettlement/InvoiceCurrencyCode",
    "BT-9": "//SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString",
    "BT-112": "//SpecifiedTradeSettlementMonetarySummation/GrandTotalAmount",
    "BT-110": "//SpecifiedTradeSettlementMonetarySummation/TaxTotalAmount",
    "seller": "//SellerTradeParty/Name",
    "seller_vat": "//SellerTradeParty/SpecifiedTaxRegistration/ID[@schemeID='VA']",
}


@dataclass
class Parsed:
    """What an e-invoice says, by EN 16931 business term, and what its XSD says."""

    terms: dict
    syntax: str  # CII or UBL
    warnings: list[str] = field(default_factory=list)


def is_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") or head.startswith(b"<")


def tree(data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, parser())
    except etree.XMLSyntaxError as exc:
        detail = f"the XML is not well-formed ({exc})"[:240]
        raise RejectedFile("unreadable", detail) from None
    if etree.QName(root).localname not in ROOTS:
        name = etree.QName(root).localname
        raise RejectedFile(
            "not_a_document", f"an XML file, but not an invoice (its root is {name})"
        )
    return root


def embedded_xml(pdf: bytes) -> bytes | None:
    """The e-invoice XML attached to a PDF (Factur-X, ZUGFeRD, XRechnung), if any."""
    try:
        _, xml = get_xml_from_pdf(io.BytesIO(pdf), check_xsd=False)
    except Exception:  # noqa: BLE001 - a PDF it cannot open has no e-invoice for us
        return None
    return xml or None


def parse(data: bytes) -> Parsed:
    root = tree(data)
    syntax = (
        "UBL" if etree.QName(root).localname in ("Invoice", "CreditNote") else "CII"
    )
    if etree.QName(root).localname == "CrossIndustryDocument":
        terms, flavor = _v1_terms(root), "zugferd"
    else:
        flavor = get_flavor(root)
        terms = parse_ubl_cii_xml(
            root, flavor=flavor, float_as="string", date_as="string", check_xsd=False
        )
    return Parsed(terms, syntax, _xsd_warnings(root, flavor))


def _v1_terms(root) -> dict:
    terms = {}
    for term, path in V1.items():
        steps = [
            f"*[local-name()='{s}']" if "[" not in s else _with_attr(s)
            for s in path.strip("/").split("/")
        ]
        prefix = ".//" if path.startswith("//") else "./"
        found = root.xpath(prefix + "/".join(steps))
        if found and (text := (found[0].text or "").strip()):
            terms[term] = text
    if "BT-2" in terms:
        terms["BT-2"] = _iso(terms["BT-2"])
    if "BT-9" in terms:
        terms["BT-9"] = _iso(terms["BT-9"])
    terms["BG-4"] = {"name": terms.pop("seller", None)}
    terms["BG-4"]["vat_identifier"] = terms.pop("seller_vat", None)
    return terms


def _with_attr(step: str) -> str:
    name, attr = step.split("[", 1)
    return f"*[local-name()='{name}'][{attr}"


def _iso(yyyymmdd: str) -> str:
    s = yyyymmdd.strip()
    return f"{s[:4]}-{s[4:6]}-{s[6:8]}" if re.fullmatch(r"\d{8}", s) else s


def _xsd_warnings(root, flavor: str) -> list[str]:
    try:
        xml_check_xsd(root, flavor=flavor)
    except Exception as exc:  # noqa: BLE001 - the library raises plain Exception
        return [f"does not validate against its XML schema: {exc}"[:500]]
    return []


def profile(terms: dict) -> str | None:
    spec = str(terms.get("BT-24") or "").lower()
    return next((name for rx, name in PROFILES if re.search(rx, spec)), None)


def facts(parsed: Parsed, embedded: bool) -> DocumentFacts:
    """Every fact as the XML states it, with confidence 1.0; absent ones stay empty."""
    t = parsed.terms
    seller = t.get("BG-4") or {}
    code = str(t.get("BT-3") or "380")

    def exact(value) -> Reading:
        return Reading(value=str(value), confidence=1.0) if value else Reading()

    return DocumentFacts(
        supplier=exact(seller.get("name")),
        document_type=exact("credit_note" if code in CREDIT_CODES else "invoice"),
        number=exact(t.get("BT-1")),
        issue_date=exact(t.get("BT-2")),
        due_date=exact(_earliest(t.get("BT-9"))),
        currency=exact(t.get("BT-5")),
        total=exact(t.get("BT-112")),
        tax_total=exact(t.get("BT-110")),
        supplier_tax_id=exact(seller.get("vat_identifier")),
        read_from="e-invoice",
        e_invoice=EInvoice(
            syntax=parsed.syntax,
            profile=profile(t),
            specification=t.get("BT-24"),
            embedded=embedded,
            warnings=parsed.warnings,
        ),
    )


def _earliest(value):
    """One due date: several payment terms (instalments) give the earliest."""
    if isinstance(value, list):
        return min((v for v in value if v), default=None)
    return value
