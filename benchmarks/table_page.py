"""How soon the table page is interactive in headless Chromium, and whether it ships plotly.js.

    .venv/bin/python benchmarks/table_page.py [--db URL] [--repeats 5]

Starts `gpudb serve` on a free port (the embedded database by default), opens / in Debian's Chromium through
Playwright (fresh browser context each time: no cache), and prints for each load the time to DOMContentLoaded, to
the load event, until the page's script marks it ready (body[data-ready=true], what
tests/test_web_browser.py waits for), and until a header's sort link answers a click with a re-sorted table
(interactive), plus the bytes transferred and whether plotly.js was requested. Issue 5's figure: interactive
within 1 s, no plotly.js; the timing lives here, the test only checks that the page gets ready without plotly.js.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from web_load import GPUDB, _wait_until_up, free_port  # noqa: E402

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None)
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = free_port()
    command = [GPUDB, "serve", "--port", str(port)] + (["--db", arguments.db] if arguments.db else [])
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not _wait_until_up(port, server):
            raise SystemExit("gpudb serve did not start")
        loads = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for _ in range(arguments.repeats):
                context = browser.new_context()
                page = context.new_page()
                requested: list[str] = []
                sizes: list[int] = []
                page.on("request", lambda request, seen=requested: seen.append(request.url))
                page.on("response", lambda response, got=sizes: got.append(len(response.body() or b"")))
                start = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
                page.wait_for_selector("body[data-ready=true]")
                ready = time.perf_counter() - start
                timing = page.evaluate(
                    "(() => { const t = performance.getEntriesByType('navigation')[0];"
                    " return [t.domContentLoadedEventEnd, t.loadEventEnd]; })()"
                )
                page.locator("thead a[href*='sort=']").nth(1).click()
                page.wait_for_url("**sort=**")
                page.wait_for_selector("tbody tr")
                interactive = time.perf_counter() - start
                loads.append((timing[0] / 1000, timing[1] / 1000, ready, interactive, sum(sizes), requested))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    for dom, load, ready, interactive, size, requested in loads:
        plotly = any("plotly" in url for url in requested)
        print(
            f"DOMContentLoaded {dom:.3f} s, load {load:.3f} s, ready {ready:.3f} s, "
            f"sorted by a click after {interactive:.3f} s, "
            f"{size / 1024:.0f} KiB, plotly.js {'requested' if plotly else 'not requested'}"
        )
    print(f"median interactive (load + one sort): {statistics.median(row[3] for row in loads):.3f} s")


if __name__ == "__main__":
    main()
