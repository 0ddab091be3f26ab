"""The Content-Security-Policy breaks nothing: the main pages — charts (Chart.js), htmx, the API
documentation (Swagger UI), the two-step login QR code, the public pages — load in Chromium
without a single CSP violation or script error, and an inline script really is refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.api.conftest import Data, data  # noqa: F401 - the fixture
from tests.conftest import World
from tests.scoring.conftest import scored, year  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports each violation on the console and as a securitypolicyviolation event.
COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _pages(world: World, d: Data) -> list[str]:
    cycle = d.year.cycle.pk
    return [
        reverse("home"),
        reverse("scoring:dashboard", args=[cycle]),
        reverse("scoring:scorecard", args=[cycle, world.commune_a.code]),
        reverse("scoring:publication", args=[cycle]),
        reverse("public:ranking", args=[cycle]),
        reverse("surveys:campaign", args=[d.campaign.pk]),
        reverse("plans:plan", args=[d.plan_a.pk]),
        reverse("assessments:cycle", args=[cycle]),
        reverse("accounts:two_factor"),
        reverse("orgunits:list"),
        "/api/v1/docs",
    ]


def test_main_pages_have_no_csp_violation(world: World, data: Data, live_server, browser) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(COLLECT)
    page = context.new_page()
    console: list[str] = []
    errors: list[str] = []
    page.on(
        "console",
        lambda m: console.append(m.text) if m.type in {"error", "warning"} else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("#id_username", "secretariat")
    page.fill("#id_password", factories.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    drawn = 0
    for path in _pages(world, data):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        violations = page.evaluate("window.__csp")
        assert violations == [], (path, violations)
        drawn += page.locator("canvas[data-chart-drawn]").count()
        if path == "/api/v1/docs":
            page.wait_for_selector(".swagger-ui .opblock", timeout=10_000)
        if path == reverse("accounts:two_factor"):
            assert page.locator(".qr svg").is_visible()
    csp = [text for text in console if "Content Security Policy" in text]
    assert csp == [], csp
    assert errors == [], errors
    assert drawn >= 2  # the charts were drawn under the policy
    context.close()


def test_an_inline_script_is_refused(world: World, live_server, browser) -> None:  # type: ignore[no-untyped-def]
    """The policy is enforced, not only sent: a script injected into a page does not run."""
    context = browser.new_context()
    context.add_init_script(COLLECT)
    page = context.new_page()
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.evaluate(
        """() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
        const d = document.createElement("div");
        d.innerHTML = '<img src="x" onerror="window.__ran2 = true">';
        document.body.appendChild(d);
    }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__ran2") is None
    assert any("script-src" in v for v in page.evaluate("window.__csp"))
    context.close()
