"""Engine configuration, as a catalog entry writes it: selectors, paths, field names."""

from pydantic import BaseModel, ConfigDict, Field

from schemas.errors import ErrorCode


class Strict(BaseModel):
    # extra="forbid": a typo in the catalog fails at load, not at 3am on a portal.
    model_config = ConfigDict(frozen=True, extra="forbid")


class Rule(Strict):
    """Something to find on a page: a CSS selector, optionally with text in it."""

    css: str
    contains: str | None = Field(default=None, description="case-insensitive")


class Pick(Strict):
    """Where one value of a document row is: CSS inside the row, or an attribute."""

    css: str | None = Field(default=None, description="None: the row itself")
    contains: str | None = Field(
        default=None,
        description="case-insensitive: the first match whose text has this, for links "
        "told apart only by their words ('Next', 'Weiter', 'Suivant')",
    )
    attr: str | None = Field(default=None, description="None: the element's text")
    const: str | None = Field(default=None, description="A fixed value instead")


class Values(Strict):
    """How the portal writes values: date format, decimal comma, kind words."""

    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False
    kinds: dict[str, str] = Field(
        default_factory=lambda: {"invoice": "invoice"},
        description="portal word (lower case) -> invoice|credit_note|receipt|statement",
    )


class HtmlLogin(Strict):
    path: str
    form: str = Field(description="CSS of the login form; its hidden inputs are sent")
    login_field: str
    password_field: str
    success: Rule = Field(description="Present once signed in")
    failure: Rule = Field(description="The wrong-login message")
    unknown_login: Rule | None = Field(
        default=None,
        description="The message when the portal says no account has this login, "
        "where it says so apart from a wrong password",
    )
    refusals: dict[ErrorCode, Rule] = Field(
        default_factory=dict, description="Other refusals: sso, locked, action needed"
    )
    action_link: str | None = Field(
        default=None, description="CSS of the link an action_needed page points to"
    )


class HtmlTwoFactor(Strict):
    form: str = Field(description="CSS of the code form")
    code_field: str
    totp: Rule = Field(description="Marks an authenticator-app prompt")
    medium: Pick = Field(description="sms|email|app, for a code sent to a person")
    destination: Pick | None = None
    failure: Rule = Field(description="The wrong-code message")
    ttl_seconds: float = 300.0


class HtmlDocuments(Strict):
    path: str
    table: str = Field(description="Must be on every list page, else layout_changed")
    row: str
    fields: dict[str, Pick] = Field(
        description="id, number, issued_on, kind, total, currency, download"
    )
    next: Pick | None = Field(default=None, description="Link to the next page")
    newest_first: bool = True


class HtmlConfig(Strict):
    login: HtmlLogin
    two_factor: HtmlTwoFactor | None = None
    documents: HtmlDocuments
    values: Values = Values()


class JsonLogin(Strict):
    path: str
    login_key: str = "login"
    password_key: str = "password"  # noqa: S105 - a JSON key, not a secret
    token: str = Field(description="Dotted path of the bearer token in the answer")
    error: str = Field(description="Dotted path of the portal's error code")
    errors: dict[str, ErrorCode] = Field(description="portal error code -> taxonomy")
    unknown_login: list[str] = Field(
        default_factory=list,
        description="portal error codes that say no account has this login",
    )
    action_url: str | None = Field(default=None, description="Dotted path, if any")
    challenge: str | None = Field(
        default=None, description="Dotted path of a 2-factor challenge in the answer"
    )


class JsonTwoFactor(Strict):
    path: str = Field(description="Where {ticket, code} is posted")
    method: str = "method"  # in the challenge object: totp|sms|email|app
    ticket: str = "ticket"
    destination: str | None = "destination"
    ttl_seconds: float = 300.0


class JsonDocuments(Strict):
    path: str
    items: str = Field(description="Dotted path of the list in the answer")
    page_param: str = "page"
    next: str = Field(description="Dotted path that is null on the last page")
    fields: dict[str, str] = Field(description="our field -> dotted path in an item")
    newest_first: bool = True


class JsonApiConfig(Strict):
    login: JsonLogin
    two_factor: JsonTwoFactor | None = None
    documents: JsonDocuments
    values: Values = Values()
