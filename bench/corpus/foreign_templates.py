"""The HTML layouts and words of bench.corpus.foreign: four page structures common in
invoicing software, written in six languages with each locale's dates and amounts."""

from datetime import date
from decimal import Decimal

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "us": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "ch": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
}  # fmt: skip
WORDS = {
    "en": dict(invoice="Tax invoice", credit_note="Credit note", receipt="Receipt", number="Invoice no.", credit_number="Credit note no.", date="Invoice date", due="Payment due", customer_no="Account no.", description="Description", qty="Qty", price="Unit price", amount="Amount", net="Subtotal", tax="VAT", total="Total", paid="Amount paid", balance="Balance due", rate="VAT rate", base="Net", vat_id="VAT Reg No", customer_vat="Customer VAT no.", page="Page", thanks="Thank you for your business.", long_date="ordinal"),
    "us": dict(invoice="Invoice", credit_note="Credit memo", receipt="Receipt", number="Invoice number", credit_number="Credit memo number", date="Date of issue", due="Date due", customer_no="Customer ID", description="Description", qty="Qty", price="Unit price", amount="Amount", net="Subtotal", tax="Sales tax", total="Total", paid="Amount paid", balance="Amount due", rate="Tax rate", base="Taxable", vat_id="EIN", customer_vat="Customer tax ID", page="Page", thanks="Questions? Contact billing@prairie.example", long_date="us"),
    "de": dict(invoice="Rechnung", credit_note="Gutschrift", receipt="Quittung", number="Rechnungsnummer", credit_number="Gutschriftsnummer", date="Rechnungsdatum", due="Fälligkeitsdatum", customer_no="Kundennummer", description="Bezeichnung", qty="Menge", price="Einzelpreis", amount="Gesamtpreis", net="Nettobetrag", tax="zzgl. USt.", total="Gesamtbetrag", paid="Bereits bezahlt", balance="Noch zu zahlen", rate="USt.-Satz", base="Netto", vat_id="USt-IdNr.", customer_vat="Ihre USt-IdNr.", page="Seite", thanks="Vielen Dank für Ihren Auftrag.", long_date="de"),
    "ch": dict(invoice="Rechnung", credit_note="Gutschrift", receipt="Quittung", number="Rechnungs-Nr.", credit_number="Gutschrift-Nr.", date="Datum", due="Zahlbar bis", customer_no="Kunden-Nr.", description="Leistung", qty="Anzahl", price="Ansatz", amount="Betrag", net="Total exkl. MWST", tax="MWST", total="Total inkl. MWST", paid="Anzahlung", balance="Offener Betrag", rate="MWST-Satz", base="Basis", vat_id="UID", customer_vat="Ihre UID", page="Seite", thanks="Besten Dank für Ihr Vertrauen.", long_date="de"),
    "fr": dict(invoice="Facture", credit_note="Avoir", receipt="Reçu", number="Facture N°", credit_number="Avoir N°", date="Date de facturation", due="Date d'échéance", customer_no="Code client", description="Désignation", qty="Qté", price="PU HT", amount="Montant HT", net="Total HT", tax="TVA", total="Total TTC", paid="Acompte versé", balance="Reste à payer", rate="Taux TVA", base="Base HT", vat_id="N° TVA intracommunautaire", customer_vat="N° TVA client", page="Page", thanks="Merci de votre confiance.", long_date="fr"),
    "nl": dict(invoice="Factuur", credit_note="Creditnota", receipt="Kwitantie", number="Factuurnummer", credit_number="Creditnotanummer", date="Factuurdatum", due="Vervaldatum", customer_no="Klantnummer", description="Omschrijving", qty="Aantal", price="Prijs", amount="Bedrag", net="Subtotaal", tax="BTW", total="Totaal", paid="Reeds betaald", balance="Openstaand", rate="BTW %", base="Grondslag", vat_id="BTW-nummer", customer_vat="BTW-nummer klant", page="Pagina", thanks="Wij verzoeken u het bedrag binnen 30 dagen over te maken.", long_date="nl"),
    "es": dict(invoice="Factura", credit_note="Factura rectificativa", receipt="Recibo", number="Nº de factura", credit_number="Nº de factura rectificativa", date="Fecha de emisión", due="Fecha de vencimiento", customer_no="Nº cliente", description="Concepto", qty="Cant.", price="Precio", amount="Importe", net="Base imponible", tax="IVA", total="Total factura", paid="Pagado a cuenta", balance="Importe pendiente", rate="Tipo IVA", base="Base", vat_id="NIF", customer_vat="NIF cliente", page="Página", thanks="Gracias por su confianza.", long_date="es"),
    "it": dict(invoice="Fattura", credit_note="Nota di credito", receipt="Ricevuta", number="Fattura n.", credit_number="Nota di credito n.", date="Data documento", due="Scadenza", customer_no="Cod. cliente", description="Descrizione", qty="Q.tà", price="Prezzo", amount="Importo", net="Imponibile", tax="IVA", total="Totale documento", paid="Acconto", balance="Netto a pagare", rate="Aliquota", base="Imponibile", vat_id="P.IVA", customer_vat="P.IVA cliente", page="Pagina", thanks="Grazie per averci scelto.", long_date="it"),
}  # fmt: skip


def money(value: Decimal, lang: str, currency: str) -> str:
    q = f"{abs(value):,.2f}"  # 1,234.56
    sign = "-" if value < 0 else ""
    if lang in ("de", "nl", "es", "it"):
        q = q.replace(",", "X").replace(".", ",").replace("X", ".")
    elif lang == "fr":
        q = q.replace(",", "\u202f").replace(".", ",")
    elif lang == "ch":
        q = q.replace(",", "'")
    symbol = {"GBP": "£", "USD": "$", "EUR": "€", "CHF": "CHF"}[currency]
    if lang in ("en", "us"):
        return f"{sign}{symbol}{q}"
    if lang in ("nl", "it", "ch"):
        return f"{symbol} {sign}{q}"
    return f"{sign}{q} {symbol}"


def long_date(d: date, lang: str) -> str:
    month = MONTHS[lang].split()[d.month - 1]
    if lang in ("en",):
        suffix = (
            "th"
            if 11 <= d.day <= 13
            else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
        )
        return f"{d.day}{suffix} {month} {d.year}"
    if lang == "us":
        return f"{month} {d.day}, {d.year}"
    if lang in ("de", "ch"):
        return f"{d.day}. {month} {d.year}"
    if lang == "es":
        return f"{d.day} de {month} de {d.year}"
    return f"{d.day} {month} {d.year}"


def short_date(d: date, lang: str) -> str:
    if lang == "us":
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if lang in ("de", "ch"):
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if lang == "nl":
        return f"{d.day}-{d.month}-{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def filters() -> dict:
    return {"money": money, "long": long_date, "short": short_date}


STYLE = """<style>
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10pt; margin: 18mm; }
table { border-collapse: collapse; } td, th { padding: 3px 8px; }
.items { width: 100%; margin-top: 8mm; } .items th { border-bottom: 1px solid #444; text-align: left; }
.num { text-align: right; } .small { font-size: 8pt; color: #555; }
.totals { margin-left: auto; margin-top: 5mm; } .totals td { text-align: right; }
.boxes td { border: 1px solid #999; vertical-align: top; width: 40mm; }
footer { margin-top: 12mm; font-size: 8pt; display: flex; justify-content: space-between; }
</style>"""

ITEMS = """<table class="items"><tr><th>{{ w.description }}</th><th class="num">{{ w.qty }}</th>
<th class="num">{{ w.price }}</th><th class="num">{{ w.rate }}</th><th class="num">{{ w.amount }}</th></tr>
{% for ln in inv.lines %}<tr><td>{{ ln.text }}</td><td class="num">{{ ln.qty }}</td>
<td class="num">{{ (ln.price * sign) | money(s.lang, s.currency) }}</td><td class="num">{{ ln.rate }} %</td>
<td class="num">{{ (ln.net * sign) | money(s.lang, s.currency) }}</td></tr>{% endfor %}</table>"""

TOTALS = """<table class="totals">
<tr><td>{{ w.net }}</td><td>{{ net | money(s.lang, s.currency) }}</td></tr>
{% for r, (b, t) in taxes.items() %}<tr><td>{{ w.tax }} {{ r }} %</td><td>{{ t | money(s.lang, s.currency) }}</td></tr>{% endfor %}
<tr><td><b>{{ w.total }}</b></td><td><b>{{ total | money(s.lang, s.currency) }}</b></td></tr>
{% if inv.paid %}<tr><td>{{ w.paid }}</td><td>{{ inv.paid | money(s.lang, s.currency) }}</td></tr>
<tr><td>{{ w.balance }}</td><td>{{ balance | money(s.lang, s.currency) }}</td></tr>{% endif %}
</table>"""

TAX_TABLE = """<table class="items" style="width:60%"><tr><th>{{ w.rate }}</th><th class="num">{{ w.base }}</th>
<th class="num">{{ w.tax }}</th></tr>{% for r, (b, t) in taxes.items() %}<tr><td>{{ r }} %</td>
<td class="num">{{ b | money(s.lang, s.currency) }}</td><td class="num">{{ t | money(s.lang, s.currency) }}</td></tr>
{% endfor %}</table>
<table class="totals"><tr><td>{{ w.net }}</td><td>{{ net | money(s.lang, s.currency) }}</td></tr>
<tr><td><b>{{ w.total }}</b></td><td><b>{{ total | money(s.lang, s.currency) }}</b></td></tr>
{% if inv.paid %}<tr><td>{{ w.balance }}</td><td>{{ balance | money(s.lang, s.currency) }}</td></tr>{% endif %}</table>"""

FOOTER = """<footer><div>{{ s.name }}<br>Musterweg 1<br>{{ w.page }} 1</div>
<div>IBAN DE02 1203 0000 0000 2020 51<br>BIC BYLADEM1001</div>
<div>{% if s.vat %}{{ w.vat_id }}: {{ s.vat }}{% endif %}</div></footer>"""

TITLE = "{{ w[inv.kind] }}"
NUMBER_LABEL = "{{ w.credit_number if inv.kind == 'credit_note' else w.number }}"

BOX = (
    "<html><head>" + STYLE + "</head><body>"
    "<div style='display:flex;justify-content:space-between'><h2>{{ s.name }}</h2>"
    "<h1>" + TITLE + "</h1></div>"
    "<table class='boxes'><tr><td><div class='small'>"
    + NUMBER_LABEL
    + "</div>{{ inv.number }}</td>"
    "<td><div class='small'>{{ w.date }}</div>{{ inv.issued | long(s.lang) }}</td>"
    "{% if inv.due %}<td><div class='small'>{{ w.due }}</div>{{ inv.due | long(s.lang) }}</td>{% endif %}"
    "<td><div class='small'>{{ w.customer_no }}</div>C-{{ inv.number[-4:] }}</td></tr></table>"
    "{% if inv.customer_vat %}<p class='small'>{{ w.customer_vat }}: {{ inv.customer_vat }}</p>{% endif %}"
    + ITEMS
    + TOTALS
    + "<p>{{ w.thanks }}</p>"
    + FOOTER
    + "</body></html>"
)
LETTER = (
    "<html><head>" + STYLE + "</head><body>"
    "<div style='display:flex;justify-content:space-between'>"
    "<div>{{ s.name }}<br>{% if s.vat %}{{ w.vat_id }} {{ s.vat }}{% endif %}<br><br>"
    "Customer Company<br>Main Street 5<br>{% if inv.customer_vat %}{{ w.customer_vat }} {{ inv.customer_vat }}{% endif %}</div>"
    "<table><tr><td>" + NUMBER_LABEL + ":</td><td>{{ inv.number }}</td></tr>"
    "<tr><td>{{ w.date }}:</td><td>{{ inv.issued | short(s.lang) }}</td></tr>"
    "{% if inv.due %}<tr><td>{{ w.due }}:</td><td>{{ inv.due | short(s.lang) }}</td></tr>{% endif %}"
    "<tr><td>{{ w.customer_no }}:</td><td>{{ 10000 + inv.lines|length }}</td></tr></table></div>"
    "<h2>" + TITLE + "</h2>" + ITEMS + TAX_TABLE + "<p>{{ w.thanks }}</p></body></html>"
)
STRIPE = (
    "<html><head>" + STYLE + "</head><body><h1>" + TITLE + "</h1>"
    "<table><tr><td>" + NUMBER_LABEL + "</td><td>{{ inv.number }}</td></tr>"
    "<tr><td>{{ w.date }}</td><td>{{ inv.issued | long(s.lang) }}</td></tr>"
    "{% if inv.due %}<tr><td>{{ w.due }}</td><td>{{ inv.due | long(s.lang) }}</td></tr>{% endif %}</table>"
    "<p><b>{{ s.name }}</b><br>500 Market St<br>Denver CO 80202</p>"
    "<h2>{{ balance | money(s.lang, s.currency) }} {% if inv.due %}due {{ inv.due | long(s.lang) }}{% else %}paid {{ inv.issued | long(s.lang) }}{% endif %}</h2>"
    + ITEMS
    + TOTALS
    + "<p class='small'>{{ w.thanks }}</p>"
    + FOOTER
    + "</body></html>"
)
DIN = (
    "<html><head>" + STYLE + "</head><body>"
    "<p class='small'>{{ s.name }} · Musterweg 1 · 50667 Köln</p>"
    "<div style='display:flex;justify-content:space-between'><div>Kunde GmbH<br>Hauptstr. 5<br>10115 Berlin"
    "{% if inv.customer_vat %}<br>{{ w.customer_vat }}: {{ inv.customer_vat }}{% endif %}</div>"
    "<table><tr><td>{{ w.customer_no }}</td><td>4711</td></tr>"
    "<tr><td>" + NUMBER_LABEL + "</td><td>{{ inv.number }}</td></tr>"
    "<tr><td>{{ w.date }}</td><td>{{ inv.issued | short(s.lang) }}</td></tr></table></div>"
    "<h2>"
    + TITLE
    + " {{ inv.number }}</h2>"
    + ITEMS
    + TAX_TABLE
    + "{% if inv.due %}<p>{{ w.due }}: {{ inv.due | long(s.lang) }}</p>{% endif %}"
    + FOOTER
    + "</body></html>"
)
TEMPLATES = {
    "en_box": BOX, "en_letter": LETTER, "us_simple": LETTER, "us_stripe": STRIPE,
    "de_din": DIN, "de_modern": BOX, "ch_qr": DIN, "fr_classic": LETTER, "fr_saas": BOX,
    "nl_factuur": DIN, "nl_modern": STRIPE, "es_factura": LETTER, "es_holded": BOX,
    "it_fattura": DIN, "it_cloud": STRIPE,
}  # fmt: skip
