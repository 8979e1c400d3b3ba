"""A real headless Chromium for tests (Debian's `chromium` and `chromium-driver`, which .ci/run installs),
driven by selenium through the system chromedriver: nothing is downloaded at test time.

Without the browser a test skips, unless DEXXY_REQUIRE_BROWSER=1 (CI sets it): then it fails, so CI never
passes by skipping."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)


def _first(names: tuple[str, ...]) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


@contextmanager
def headless_chromium() -> Iterator[Any]:
    """A selenium WebDriver on headless Chromium that keeps the page's console messages."""
    browser, driver_path = _first(CHROMIUM_NAMES), _first(DRIVER_NAMES)
    if browser is None or driver_path is None:
        message = "no chromium/chromedriver on PATH (apt-get install chromium chromium-driver)"
        if os.environ.get("DEXXY_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
