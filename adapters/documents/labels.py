"""The words invoices label their facts with, in English, German, French, Dutch,
Spanish and Italian. Each list runs from the surest label to the loosest, with the
confidence a value found beside it deserves."""

import re


def rx(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I)


# "No." as a word: not the NO of INV-NO2025.
_NO = (
    r"(?<![\w-])(?:number|nummer|no\.?|nr\.?|n[°º]\.?|num\.?|núm\.?|número|"
    r"numéro|numero|#)(?![A-Za-z])"
)
DOC = (
    r"(?:invoice|tax\s+invoice|credit\s*note|credit\s*memo|receipt|bill|rechnungskorrektur|\w*rechnung|"
    r"gutschrift|quittung|facture|avoir|factuur|creditnota|creditfactuur|factura|"
    r"statement|kontoauszug|relevé|"
    r"nota\s+de\s+cr[ée]dito|fattura|nota\s+di\s+credito|ricevuta|recibo)"
)
NUMBER = [
    (rx(rf"\b{DOC}\s*-?\s*{_NO}\s*:?"), 0.95),
    (
        rx(
            r"\b(?:rechnungs|gutschrifts|factuur|creditnota|beleg)-?\s*(?:nummer|nr\.?)\s*:?"
        ),
        0.95,
    ),
    (rx(rf"\b{_NO}\s*(?:de\s+|di\s+)?{DOC}\s*:?"), 0.95),
    (
        rx(r"\b(?:invoice|document|doc\.?|booking)\s*(?:id|ref(?:erence)?)\s*:?"),
        0.8,
    ),
    (rx(rf"\b{DOC}\b\s*:?"), 0.8),
]
# On one line, across cells: "Handelsrechnung (380)   05.03.2018   Nr. 471102".
DOC_THEN_NO = rx(rf"\b{DOC}\b[^\n]{{0,120}}?{_NO}\s*:?")
# What a "Nr." on such a line may number instead: an order, a customer, a delivery.
NOT_DOC_NO = rx(
    r"bestell|order|auftrag|commande|kunde|customer|client|klant|liefer|delivery|"
    r"livraison|pedido|ordine|vertrag|contract|contrat|police|policy"
)
# "Facture n°562044387 du 02 Juillet 2015": the date the number is dated.
NUMBER_DATED = rx(
    rf"\b{DOC}\s*{_NO}?\s*:?\s*[#\w\-/.]*\d[#\w\-/.]*\s+(?:du|vom|del|van|of|dated)\b"
)
ISSUE_DATE = [
    (
        rx(
            r"\b(?:invoice|credit\s*note|receipt|issue|billing|document)\s*date\s*:?|"
            r"\b(?:rechnungs|gutschrifts|beleg|ausstellungs)datum\s*:?|"
            r"\bdate\s+(?:de\s+(?:la\s+)?)?(?:facture|facturation|l'avoir|d['’]émission|emission)\s*:?|"
            r"\bfactuurdatum\s*:?|\bdatum\s+factuur\s*:?|"
            r"\bfecha\s+(?:de\s+)?(?:la\s+)?(?:factura|emisi[óo]n|expedici[óo]n)\s*:?|"
            r"\bdata\s+(?:della\s+)?(?:fattura|emissione|documento)\s*:?"
        ),
        0.95,
    ),
    (rx(r"\b(?:date|datum|fecha|data|issued|ausgestellt\s+am|le)\s*:?"), 0.8),
]
DUE_DATE = [
    (
        rx(
            r"\b(?:due\s*date|payment\s*due(?:\s*date)?|pay(?:able)?\s*by|due\s*on)\s*:?|"
            r"\b(?:fällig(?:keitsdatum|\s+am|\s+bis)?|zahlbar\s+bis|zahlungsziel)\s*:?|"
            r"\b(?:date\s+d['’]échéance|échéance|date\s+limite\s+de\s+paiement)\s*:?|"
            r"\b(?:vervaldatum|vervaldag|te\s+betalen\s+voor|uiterste\s+betaaldatum)\s*:?|"
            r"\b(?:fecha\s+de\s+vencimiento|vencimiento)\s*:?|"
            r"\b(?:data\s+(?:di\s+)?scadenza|scadenza)\s*:?"
        ),
        0.9,
    ),
    (
        rx(
            r"\b(?:zahlbar|payable|pay|payer|payez|betalen|pagar|pagare)\b.{0,50}?"
            r"\b(?:bis|by|before|avant\s+le|le|voor|antes\s+del?|entro\s+il)\b|\bdue\b\s*:?"
        ),
        0.85,
    ),
]
# The grand total: what the whole document comes to, tax included.
TOTAL = [
    (
        rx(
            r"\b(?:grand\s+total|invoice\s+total|total\s+(?:incl\.?|including)\s*(?:vat|tax)?|"
            r"total\s+amount(?!\s+due)|total\s+(?:for\s+this\s+invoice)|"
            r"gesamtbetrag|rechnungsbetrag|endbetrag|bruttobetrag|gesamtsumme|bruttosumme|"
            r"gesamtbruttobetrag|rechnungsbeitrag|brutto|"
            r"total\s+ttc|montant\s+(?:eur\s+)?ttc|net\s+à\s+payer|total\s+facture\s+ttc|"
            r"totaal\s+(?:incl\.?|inclusief)\s*(?:btw)?|factuur\s*totaal|totaalbedrag|"
            r"te\s+betalen|importe\s+total|total\s+factura|total\s+a\s+pagar|"
            r"totale\s+(?:fattura|documento|da\s+pagare)|importo\s+totale)\b\s*:?"
        ),
        0.95,
    ),
    (
        rx(r"(?<!sub)\b(?:total|totaal|totale|gesamt|summe|somme\s+à\s+payer)\b\s*:?"),
        0.85,
    ),
]
# What is still to pay: kept apart from the total (a part payment makes them differ).
BALANCE = rx(
    r"\b(?:balance\s+due|amount\s+due|total\s+due|amount\s+payable|"
    r"zu\s+zahlen|offener\s+betrag|reste\s+à\s+payer|solde|openstaand|"
    r"saldo|importe\s+pendiente|da\s+pagare)\b"
)
# "Brutto (inkl. USt.)", "Total incl. VAT": a tax word that says the tax is in.
TAX_INCLUDED = rx(
    r"\(?\b(?:inkl|incl|including|inclusief|inclus[ae]?|incluido|incluso|compris)\.?\s*"
    r"(?:der\s+|de\s+la\s+|la\s+|de\s+|l['’]\s*)?(?:ust|mwst|vat|tax|tva|btw|iva|gst)\b\.?\)?"
)
# Never the grand total: the net, a subtotal, the tax alone, a payment.
NOT_TOTAL = rx(
    r"sub\s*-?total|zwischensumme|\bnet(?:to)?\b|\bhors\s+tax|\bht\b|excl|exkl|ohne\s+mwst|"
    r"subtotaal|exclusief|\bbase\b|imponible|imponibile|\btax\b(?!\s*incl)|\bvat\b|"
    r"\bmwst\b|\bust\b|\btva\b|\bbtw\b(?!\s*\))|\biva\b|paid|bezahlt|payé|betaald|"
    r"pagado|pagato|voucher|discount|rabatt|remise|korting|descuento|sconto|"
    r"zuschl|abschl|anzahlung|allowance|charges|skonto|acompte|residual|positionssumme"
)
TAX = [
    (
        rx(
            r"\b(?:total\s+(?:vat|tax(?:es)?)|vat\s+amount|tax\s+amount|sales\s+tax|"
            r"mwst\.?-?betrag|ust\.?-?betrag|steuerbetrag|umsatzsteuer|mehrwertsteuer|"
            r"tax\s+total|versicherungs?teuer|"
            r"montant\s+(?:de\s+la\s+)?tva|total\s+tva|btw[-\s]?bedrag|totaal\s+btw|"
            r"cuota\s+(?:de\s+)?iva|total\s+iva|importe\s+iva|totale\s+iva|imposta)\b\s*:?"
        ),
        0.95,
    ),
    (rx(r"\b(?:vat|tax|mwst|ust|tva|btw|iva|gst)\b\.?"), 0.85),
]
NOT_TAX = rx(
    r"rate|satz|taux|tipo|aliquota|^\W*(?:btw|vat|tax|iva|tva|mwst|ust)\.?\s*%\s*$|"
    r"exkl|excl|ohne|hors|sans|zonder|exclusief|senza|without|before|"
    r"\b(?:no\.?|nr\.?|id|number|nummer|reg|registration|identification|intra|"
    r"n[°º]|nummer|numéro|número|numero|code|exempt|included\s+in|inkl)\b|"
    r"ust-?id|idnr|btw-?nr|tva\s+intra|steuer-?nr|payée\s+sur|n[°º]|"
    r"client|customer|kunde|klant|cliente"  # the customer's VAT number, not a tax
)
# A VAT registration number, and the labels that say it is the customer's.
TAX_ID = re.compile(  # a country code, a digit, the rest; Spain's may start ESB
    r"\b([A-Z]{2})[\s.-]?((?:\d|(?<=ES)[A-Z]|(?<=ES )[A-Z])(?:[\s.]?[0-9A-Z]){7,12})"
    r"(?![0-9A-Z])"
)
CUSTOMER = rx(  # stems: Kundennummer, customer's, clientèle
    r"\b(?:your|customer|client|buyer|bill\s+to|ihre|kunde|käufer|votre|acheteur|"
    r"uw\b|klant|afnemer|su\b|cliente|comprador|vostr|acquirente|destinatario|"
    r"leistungsempf)"
)
# A table head that names another fact: what stands under it is that fact's value.
OTHER_HEAD = rx(rf"{NOT_DOC_NO.pattern}|{CUSTOMER.pattern}")
KINDS = [  # most specific first: a credit note names the invoice it credits
    (  # A German "Gutschrift" is also a self-billed invoice (UNTDID 389): an invoice.
        "invoice",
        rx(
            r"selbst\s*ausgestellte\s+rechnung|gutschriftsverfahren|self[-\s]?bill|"
            r"auto-?factur|autofattur|zelf-?facturatie|\(389\)"
        ),
    ),
    (
        "credit_note",
        rx(
            r"credit\s*note|credit\s*memo|gutschrift|"
            r"\bavoir\b|facture\s+d['’]avoir|creditnota|creditfactuur|"
            r"nota\s+de\s+cr[ée]dito|factura\s+rectificativa|nota\s+di\s+credito"
        ),
    ),
    (
        "receipt",
        rx(
            r"\breceipt\b|quittung|kassenbon|\breçu\b|kwitantie|\brecibo\b|ricevuta|scontrino"
        ),
    ),
    (
        "statement",
        rx(r"\bstatement\b|kontoauszug|relevé|rekeningoverzicht|estado\s+de\s+cuenta"),
    ),
    ("invoice", rx(r"invoice|rechnung|facture|factuur|factura|fattura|\bbill\b")),
]
