"""Atlassian's consent screen as the sandbox plays it (`https://auth.atlassian.com/authorize`), mounted at
`/jira/authorize`: `GET` checks the 3LO parameters (`audience=api.atlassian.com`, the app's `client_id`,
`response_type=code`, a `redirect_uri`, `scope`) and shows the site and scopes with an "Accept" button;
accepting redirects to `redirect_uri?code&state` (the code from `JiraOAuth.issue_code`), declining to
`redirect_uri?error=access_denied&state`."""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from dexxy_sandbox.jira.oauth import JiraOAuth
from dexxy_sandbox.web_page import html_page

_FIELDS = ("audience", "client_id", "scope", "redirect_uri", "state", "response_type", "prompt")


def consent_app(oauth: JiraOAuth, site_name: Callable[[], str]) -> Starlette:
    """The consent page for ``oauth``'s app; ``site_name`` names the one site the grant will reach."""

    def problem(query: dict[str, str]) -> str | None:
        if query.get("client_id") != oauth.client_id:
            return "The app's client_id is not known."
        if query.get("audience") != "api.atlassian.com":
            return "audience must be api.atlassian.com."
        if query.get("response_type") != "code":
            return "response_type must be code."
        if not query.get("redirect_uri", "").startswith(("http://", "https://")):
            return "redirect_uri is missing or invalid."
        if not query.get("scope"):
            return "scope is missing."
        return None

    async def page(request: Request) -> Response:
        query = dict(request.query_params)
        wrong = problem(query)
        if wrong:
            return HTMLResponse(
                html_page("Something went wrong", f"<p>{html.escape(wrong)}</p>"), status_code=400
            )
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
            for name in _FIELDS
        )
        scopes = "".join(f"<li>{html.escape(s)}</li>" for s in query["scope"].split())
        body = (
            "<h1>Dexxy is requesting access to your Atlassian account</h1>"
            f"<p>Use app on: <b>{html.escape(site_name())}</b></p><ul>{scopes}</ul>"
            f'<form method="post">{fields}'
            '<button type="submit" name="decision" value="accept" id="accept">Accept</button>'
            '<button type="submit" name="decision" value="decline" id="decline">Cancel</button></form>'
        )
        return HTMLResponse(html_page("Authorize app", body))

    async def decide(request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        wrong = problem(form)
        if wrong:
            return HTMLResponse(
                html_page("Something went wrong", f"<p>{html.escape(wrong)}</p>"), status_code=400
            )
        redirect_uri = form["redirect_uri"]
        if form.get("decision") == "accept":
            query = {"code": oauth.issue_code(redirect_uri)}
        else:
            query = {"error": "access_denied", "error_description": "User did not authorize the request"}
        if form.get("state"):
            query["state"] = form["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{urlencode(query)}", status_code=302)

    return Starlette(routes=[Route("/", page, methods=["GET"]), Route("/", decide, methods=["POST"])])
