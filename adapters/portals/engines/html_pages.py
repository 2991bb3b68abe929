"""Pure parsers for the declarative HTML engine: page bytes + config -> facts."""

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from adapters.portals.engines.config import (
    HtmlConfig,
    HtmlDocuments,
    HtmlTwoFactor,
    Pick,
    Rule,
    Values,
)
from adapters.portals.engines.values import document_ref
from adapters.portals.protocol import (
    ERROR_BY_CODE,
    LOGIN,
    DocumentRef,
    InvalidCredentials,
    LayoutChanged,
)


class LoginStep(StrEnum):
    SIGNED_IN = "signed_in"
    TWO_FACTOR = "two_factor"


@dataclass(frozen=True)
class Form:
    action: str
    fields: dict[str, str]  # every named input with its value: hidden CSRF tokens too


@dataclass(frozen=True)
class Prompt:
    """A 2-factor prompt: TOTP (medium None) or a code sent to a person."""

    form: Form
    medium: str | None
    destination: str | None


def tree(page: bytes) -> LexborHTMLParser:
    return LexborHTMLParser(page)


def find(doc: LexborHTMLParser, rule: Rule) -> LexborNode | None:
    return _first(doc, rule.css, rule.contains)


def _first(node, css: str, contains: str | None) -> LexborNode | None:
    for found in node.css(css):
        if contains is None or contains.lower() in found.text().lower():
            return found
    return None


def read_form(doc: LexborHTMLParser, css: str, page_url: str) -> Form:
    node = doc.css_first(css)
    if node is None:
        raise LayoutChanged(f"form {css!r} not found")
    fields = {
        name: inp.attributes.get("value") or ""
        for inp in node.css("input")
        if (name := inp.attributes.get("name"))
    }
    # An action is relative to the page the form is on, as a browser reads it.
    return Form(urljoin(page_url, node.attributes.get("action") or ""), fields)


def pick(node: LexborNode, spec: Pick) -> str | None:
    if spec.const is not None:
        return spec.const
    target = node if spec.css is None else _first(node, spec.css, spec.contains)
    if target is None:
        return None
    if spec.attr is not None:
        return target.attributes.get(spec.attr)
    return target.text(strip=True)


def login_step(page: bytes, cfg: HtmlConfig) -> LoginStep:
    """What the page after a login POST says; refusals raise taxonomy errors."""
    doc = tree(page)
    if find(doc, cfg.login.success) is not None:
        return LoginStep.SIGNED_IN
    if cfg.two_factor is not None and doc.css_first(cfg.two_factor.form) is not None:
        return LoginStep.TWO_FACTOR
    for code, rule in cfg.login.refusals.items():
        if (node := find(doc, rule)) is not None:
            link = (
                doc.css_first(cfg.login.action_link) if cfg.login.action_link else None
            )
            raise ERROR_BY_CODE[code](
                f"portal said: {node.text(strip=True)}",
                action_url=link.attributes.get("href") if link is not None else None,
            )
    if cfg.login.unknown_login and (node := find(doc, cfg.login.unknown_login)):
        # The portal knows no such account: no password was refused.
        raise InvalidCredentials(f"portal said: {node.text(strip=True)}", field=LOGIN)
    if (node := find(doc, cfg.login.failure)) is not None:
        raise InvalidCredentials(f"portal said: {node.text(strip=True)}")
    raise LayoutChanged("the page after login shows neither success nor an error")


def two_factor_prompt(page: bytes, cfg: HtmlTwoFactor, page_url: str) -> Prompt:
    doc = tree(page)
    form = read_form(doc, cfg.form, page_url)
    if find(doc, cfg.totp) is not None:
        return Prompt(form, None, None)
    node = doc.css_first(cfg.form)
    medium = pick(node, cfg.medium) if node is not None else None
    if not medium:
        raise LayoutChanged("2-factor prompt names no medium")
    destination = pick(node, cfg.destination) if cfg.destination else None
    return Prompt(form, medium.strip().lower(), destination)


def is_wrong_code(page: bytes, cfg: HtmlTwoFactor) -> bool:
    return find(tree(page), cfg.failure) is not None


def document_page(
    page: bytes, cfg: HtmlDocuments, values: Values
) -> tuple[list[DocumentRef], str | None]:
    """The refs on one list page and the link to the next page, if any."""
    doc = tree(page)
    if doc.css_first(cfg.table) is None:
        raise LayoutChanged(f"document list {cfg.table!r} not found")
    refs = [
        document_ref(
            {name: pick(row, spec) for name, spec in cfg.fields.items()}, values
        )
        for row in doc.css(cfg.row)
    ]
    nxt = None
    if cfg.next is not None and (root := doc.root) is not None:
        nxt = pick(root, cfg.next.model_copy(update={"attr": cfg.next.attr or "href"}))
    return refs, nxt


def has_form(page: bytes, css: str) -> bool:
    return tree(page).css_first(css) is not None
