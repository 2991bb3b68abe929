"""Mails from Jinja templates: `<name>.txt` sets the subject and holds the text,
`<name>.html` the HTML part; the same values fill both."""

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from adapters.mail.smtp import Mail


@cache
def _env() -> Environment:
    # StrictUndefined: a value missing from a mail is a bug, not an empty gap.
    return Environment(
        loader=PackageLoader("adapters.mail", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def compose(name: str, to: str, **values) -> Mail:
    text = _env().get_template(f"{name}.txt").make_module(values)
    html = _env().get_template(f"{name}.html").render(values)
    return Mail(to=to, subject=str(text.subject).strip(), text=str(text), html=html)
