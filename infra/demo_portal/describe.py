"""Write docs/portals.md from portals.json: `make docs`.

The fleet's accounts and behaviours live in one data file; this page is made from it
(a test fails when it is stale), so the docs never disagree with the tests and demo.
"""

import sys
from pathlib import Path

from infra.demo_portal.data import PortalSpec, invoices_for, load_specs

DOC = Path(__file__).parents[2] / "docs" / "portals.md"

HEAD = """# The demo supplier portals

Real aiohttp servers on free ports of 127.0.0.1, started by `billhound run` and by the
tests; each is one portal variant of a supplier in the
[catalog](../adapters/portals/catalog.json). Made by `make docs` from
[`infra/demo_portal/portals.json`](../infra/demo_portal/portals.json), which the tests
and the demo read too: change that file, not this page.

Every portal also answers, for tests and demos:

| endpoint | does |
|---|---|
| `GET /_demo/stats` | login attempts, codes sent, requests, the busiest second |
| `GET /_demo/codes/{login}` | the last code 'sent by SMS' to an account |
| `GET /_demo/captcha/{login}` | what the captcha shown to an account says |
| `POST /_demo/approve/{login}` | approve a waiting sign-in, as in the app |
| `POST /_demo/accounts/{login}/password` `{"password": ...}` | change a password |
| `POST /_demo/accounts/{login}/sign-out` | end the account's sessions (a timeout) |
| `POST /_demo/behaviour` | switch on `maintenance` (503), `rate_limited` (429), \
`retry_after`, `slow_seconds`, `layout_changed`, `broken_downloads` (404s), \
`broken_from_page` (list pages from N answer 500), `broken_document` (one 404) |
| `POST /_demo/reset` | back to the file's state |
"""


def behaviour(spec: PortalSpec) -> str:
    frontend = {
        "html": f"HTML, skin `{spec.skin}`",
        "spa": f"single-page app over a JSON API (`{spec.api_shape}` shape)",
        "browser": "single-page app only a browser can use (login proof computed by "
        f"script, downloads as {'blobs' if spec.download == 'blob' else 'links'}, "
        f"paging by {'Load more' if spec.paging == 'more' else 'Next page'})",
    }[spec.frontend]
    rules = [
        frontend,
        f"{spec.page_size} per page",
        f"locks after {spec.lockout_after}",
    ]
    if spec.case_sensitive:
        rules.append("case-sensitive logins")
    if spec.date_format != "%Y-%m-%d" or spec.decimal_comma:
        rules.append(
            f"dates `{spec.date_format}`"
            + (", decimal comma" if spec.decimal_comma else "")
        )
    return "; ".join(rules)


def account_notes(account) -> str:
    notes = []
    for flag, text in [
        (account.sso_only, "SSO only"),
        (account.locked, "locked"),
        (account.action_needed, "must accept new terms"),
        (account.two_factor == "totp", "2-factor by authenticator (TOTP)"),
        (account.two_factor == "sms", "2-factor by a code sent at login"),
        (account.captcha, "a captcha on a new device"),
        (account.app_approval, "an approval in the app on a new device"),
        (account.credit_every, f"a credit note every {account.credit_every}"),
    ]:
        if flag:
            notes.append(text)
    return ", ".join(notes) or "plain"


# The engine a portal's frontend needs: from the portal itself, not the catalog, so
# adding a portal's catalog entry stays a change to the catalog alone.
ENGINE = {"html": "html", "spa": "json_api", "browser": "browser"}


def render() -> str:
    out = [HEAD]
    for spec in load_specs():
        engine = ENGINE[spec.frontend]
        out.append(f"\n## {spec.name} (`{spec.key}`, engine `{engine}`)\n")
        out.append(f"{behaviour(spec)}.\n")
        out.append("| login | password | documents | notes |\n|---|---|---|---|")
        for a in spec.accounts:
            count = len(invoices_for(spec, a))
            out.append(
                f"| `{a.username}` | `{a.password}` | {count} from {a.first_month} "
                f"| {account_notes(a)} |"
            )
    return "\n".join(out) + "\n"


def main() -> int:
    DOC.write_text(render())
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
