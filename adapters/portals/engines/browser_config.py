"""The browser engine's catalog configuration: the click path as data (go to, fill,
click, wait), the pages that say how a login went, and the list read with the HTML
engine's field rules."""

from typing import Literal

from pydantic import Field, model_validator

from adapters.portals.engines.config import Pick, Rule, Strict, Values
from schemas.errors import ErrorCode

ACTIONS = ("goto", "fill", "click", "wait", "wait_url", "wait_response")


class Step(Strict):
    """One step of a click path: exactly one of goto, fill, click, wait, wait_url,
    wait_response."""

    goto: str | None = Field(default=None, description="A path on the portal")
    fill: str | None = Field(default=None, description="CSS of an input to type into")
    value: Literal["login", "password", "totp"] | None = Field(
        default=None, description="What fill types: from the connection's login"
    )
    click: str | None = Field(default=None, description="CSS of what to click")
    wait: str | None = Field(default=None, description="CSS that must appear")
    wait_url: str | None = Field(default=None, description="A URL glob to reach")
    wait_response: str | None = Field(
        default=None,
        description="A URL glob the page must have had an answer from since the "
        "step before began (the list's API call after a click)",
    )

    @model_validator(mode="after")
    def _one_action(self):
        actions = [
            a
            for a in ("goto", "fill", "click", "wait", "wait_url", "wait_response")
            if getattr(self, a)
        ]
        if len(actions) != 1:
            raise ValueError(f"a step does one thing, not {actions or 'nothing'}")
        if (self.fill is None) != (self.value is None):
            raise ValueError("`fill` and `value` go together")
        return self

    def describe(self) -> str:
        """The step as an operator finds it in the catalog: `click '#sign-in'`."""
        for action in ACTIONS:
            if (target := getattr(self, action)) is not None:
                return f"{action} {target!r}"
        return "?"


class BrowserTwoFactor(Strict):
    """An authenticator prompt the engine answers with the stored TOTP secret."""

    prompt: Rule = Field(description="Marks the code prompt")
    steps: list[Step] = Field(description="Fill the code (value: totp) and send it")
    failure: Rule = Field(description="The wrong-code message")


class BrowserLogin(Strict):
    steps: list[Step] = Field(description="From the start page to the sent login")
    signed_in: Rule = Field(description="Present once signed in")
    failure: Rule = Field(description="The wrong-login message")
    unknown_login: Rule | None = None
    refusals: dict[ErrorCode, Rule] = Field(
        default_factory=dict, description="Other refusals: sso, locked, action needed"
    )
    two_factor: BrowserTwoFactor | None = None
    person: dict[Literal["captcha", "app"], Rule] = Field(
        default_factory=dict,
        description="Steps only a person takes (a captcha, an approval in the "
        "supplier's app): the run shows the page live and waits for them",
    )


class BrowserDocuments(Strict):
    steps: list[Step] = Field(description="From signed in to the document list")
    table: str = Field(description="Must be on the list, else layout_changed")
    row: str
    fields: dict[str, Pick] = Field(
        description="id, number, issued_on, kind, total, currency; download for links"
    )
    more: Rule | None = Field(default=None, description="A 'load more' button")
    next: Rule | None = Field(default=None, description="A next-page button")
    download: Literal["link", "click"] = Field(
        default="link",
        description="link: fetched with the browser's cookies; click: the row's "
        "button, the browser's download captured (a blob made by script too)",
    )
    download_button: str | None = Field(
        default=None, description="CSS inside the row, for download: click"
    )
    newest_first: bool = True

    @model_validator(mode="after")
    def _download_has_its_target(self):
        if self.download == "click" and not self.download_button:
            raise ValueError("download: click needs download_button")
        if self.download == "link" and "download" not in self.fields:
            raise ValueError("download: link needs a `download` field")
        return self


class BrowserConfig(Strict):
    login: BrowserLogin
    documents: BrowserDocuments
    values: Values = Values()
    step_seconds: float = Field(
        15.0, gt=0, description="How long one step may wait before layout_changed"
    )
    person_seconds: float = Field(
        600.0, gt=0, description="How long a person has for a captcha or approval"
    )
