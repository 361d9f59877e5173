"""A system's detail page and the systems plot in headless Chromium, on the real data/: the totals table reads the
CloudMatrix 384's published and derived figures, and the plot draws with no console error or outside request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(real_db, serve) -> Iterator[str]:
    with serve(real_db) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context()
    errors: list[str] = []
    blocked: list[str] = []
    tab = context.new_page()
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    yield tab
    assert (errors, blocked) == ([], [])
    context.close()


def test_system_detail_page(server, page):
    page.goto(server + "/systems/CM384")
    assert page.inner_text("h1") == "CloudMatrix 384"
    bf16 = page.locator("#total-bf16_dense_tflops")
    assert bf16.locator("td").nth(0).inner_text() == "300,000 TFLOPS"
    assert "vendor total +4% against count × chip" in bf16.inner_text()
    assert bf16.locator("td").nth(2).inner_text() == "384 × 752 TFLOPS = 288,768 TFLOPS"
    assert "ascend-910c under" in page.inner_text("#export-controls")


def test_systems_plot_draws(server, page):
    page.goto(server + "/systems")
    page.wait_for_selector(".plot[data-drawn=true] .main-svg")
    assert page.locator("#systems tbody tr").count() == 15  # 9 systems and the 6 of the follow-up
    names = page.eval_on_selector_all(".plot .textpoint text", "nodes => nodes.map(n => n.textContent)")
    assert "CloudMatrix 384" in names and "GB200 NVL72" in names
