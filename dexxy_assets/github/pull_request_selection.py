"""The asset selection of pull requests and everything fetched with them, written once.

One fetch lands the six raw assets of a pull request (itself, reviews, commits, files, check runs,
comments) and ``github/pull_requests_staged`` types them: the benchmark and the tests select exactly these.
"""

PULL_REQUEST_ASSET_NAMES: tuple[str, ...] = (
    "pull_requests",
    "reviews",
    "commits",
    "files",
    "check_runs",
    "comments",
    "pull_requests_staged",
)
PULL_REQUEST_ASSETS = " or ".join(f"key:github/{name}" for name in PULL_REQUEST_ASSET_NAMES)
