"""An e-invoice's XML as a page a person can read: parties, lines, VAT and totals,
with the schema's warnings on top. Everything in it comes from the XML, escaped."""

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from adapters.documents import einvoice

ENV = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(default=True),
)
TOTALS = [
    ("BT-106", "Sum of lines"),
    ("BT-107", "Allowances"),
    ("BT-108", "Charges"),
    ("BT-109", "Total without VAT"),
    ("BT-110", "VAT"),
    ("BT-112", "Total with VAT"),
    ("BT-113", "Paid"),
    ("BT-115", "Amount due"),
]


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def render(xml: bytes) -> str:
    """The page; RejectedFile if the XML is no e-invoice we can read."""
    parsed = einvoice.parse(xml)
    t = parsed.terms
    facts = einvoice.facts(parsed, embedded=False)
    kind = "Credit note" if facts.document_type.value == "credit_note" else "Invoice"
    return ENV.get_template("einvoice.html").render(
        t=t,
        kind=kind,
        syntax=parsed.syntax,
        profile=einvoice.profile(t),
        spec=t.get("BT-24"),
        warnings=parsed.warnings,
        seller=t.get("BG-4") or {},
        buyer=t.get("BG-7") or {},
        lines=[ln for ln in as_list(t.get("BG-25")) if isinstance(ln, dict)],
        taxes=[tx for tx in as_list(t.get("BG-23")) if isinstance(tx, dict)],
        totals=TOTALS,
    )
