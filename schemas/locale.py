"""A tenant's locale as Babel names it: how its pages write dates and amounts."""

from babel import Locale, UnknownLocaleError

DEFAULT_LOCALE = "en_GB"


def canonical_locale(text: str) -> str:
    """ "de-DE" or "de_DE" as Babel names it; ValueError for one it does not know."""
    try:
        return str(Locale.parse(text.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        raise ValueError(f"unknown locale {text!r}") from None
