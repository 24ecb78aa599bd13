"""Lighthouse scores of the served reader site: accessibility, best practices, SEO.

Runs the pinned Lighthouse from ``node_modules`` (``npm ci`` installs it) with
Debian's Chromium against a running server, for the home page and one story:

    .venv/bin/python bench/lighthouse.py http://127.0.0.1:8000

The target for every score is 100. ``scores()`` returns them; run as a script
it prints a table and a ``JSON {...}`` line, which ``make bench`` records.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"
# A story address: /<section>/<yyyy>/<mm>/<dd>/<slug>/ (articles/urls.py).
STORY_PATH = re.compile(r'href="(/[\w-]+/\d{4}/\d{2}/\d{2}/[^"/]+/)"')


def chromium_path() -> str:
    return os.environ.get("NEWSROOM_CHROMIUM") or os.environ.get(
        "CHROME_PATH", "/usr/bin/chromium"
    )


def first_story_path(base_url: str) -> str:
    """The first story linked from the home page (the lead story)."""
    with urllib.request.urlopen(base_url + "/", timeout=30) as response:  # noqa: S310 (the URL is the operator's own site)
        html = response.read().decode("utf-8")
    match = STORY_PATH.search(html)
    if match is None:
        raise SystemExit(f"No story is linked from {base_url}/; seed the site first.")
    return match.group(1)


def run_lighthouse(url: str) -> dict:
    """Lighthouse's JSON report for one page."""
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run `npm ci` in the project root.")
    completed = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": chromium_path()},
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"Lighthouse failed on {url}:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout)


def category_scores(report: dict) -> dict[str, int]:
    """The score (0–100) of each of ``CATEGORIES``."""
    return {
        name: round((report["categories"][name]["score"] or 0) * 100)
        for name in CATEGORIES
    }


def shortfalls(report: dict) -> list[str]:
    """The audits that kept a page from 100, so a lower score says why."""
    return [
        f"{audit['id']}: {audit['title']}"
        for audit in report["audits"].values()
        if audit.get("scoreDisplayMode") in ("binary", "numeric")
        and audit.get("score") is not None
        and audit["score"] < 1
    ]


def scores(base_url: str, story_path: str | None = None) -> dict[str, dict[str, int]]:
    """Scores for the home page and one story page of the site at ``base_url``.

    Prints each page's scores, and the failing audits of any page below 100.
    """
    base_url = base_url.rstrip("/")
    pages = {"home": "/", "story": story_path or first_story_path(base_url)}
    results = {}
    for page, path in pages.items():
        report = run_lighthouse(base_url + path)
        results[page] = category_scores(report)
        line = "  ".join(f"{name} {score:3d}" for name, score in results[page].items())
        print(f"lighthouse {page:<6} {line}  ({path})")
        if any(score < 100 for score in results[page].values()):
            for failure in shortfalls(report):
                print(f"    below 100 because of {failure}")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--story-path", help="default: the lead story of the home page")
    parser.add_argument("--output", type=Path, help="also write the scores as JSON")
    args = parser.parse_args(argv)
    results = scores(args.base_url, args.story_path)
    print("JSON " + json.dumps(results))  # read by bench/run.py
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
