"""Take screenshots of the main pages as a demo user, at phone and desktop widths.

Usage: python scripts/screenshots.py [BASE_URL] [OUT_DIR] [USERNAME]
Needs Debian's chromium (see README) and a server with the demo data.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

PAGES = [
    "/",
    "/don-vi/",
    "/tai-khoan/",
    "/nhat-ky/",
    "/don-vi/nhap/",
    "/bo-chi-so/",
    "/bo-chi-so/1/",
    "/bo-chi-so/2/",
    "/bo-chi-so/2/so-sanh/",
    "/bo-chi-so/nhap/",
    "/danh-gia/",
    "/danh-gia/ky/1/",
    "/khao-sat/",
    "/khao-sat/1/",
]


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "var/screens")
    username = sys.argv[3] if len(sys.argv) > 3 else "sonoivu"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height, tag in ((390, 844, "phone"), (1366, 900, "desktop")):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/dang-nhap/")
            page.screenshot(path=str(out / f"login-{tag}.png"), full_page=True)
            page.fill("#id_username", username)
            page.fill("#id_password", "demo-ParIndex-2026")
            page.click("button[type=submit]")
            for path in PAGES:
                page.goto(f"{base}{path}")
                name = path.strip("/").replace("/", "-") or "home"
                page.screenshot(path=str(out / f"{name}-{tag}.png"), full_page=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
