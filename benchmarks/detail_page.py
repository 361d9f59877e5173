"""Detail and compare pages never viewed before, in-process (TestClient), on a catalogue with the real chips
beside synthetic ones, so that each detail page draws its profile. For A/B runs: run it alternately with the
code before and after a change on the same database (PYTHONPATH picks the code), a different `offset` each
pair, so that every run views chips no run viewed before in its process.

    python benchmarks/generate.py /tmp/mix 10000 --with-data data
    gpudb build --db sqlite:////tmp/mix.sqlite --data /tmp/mix/data
    PYTHONPATH=. python benchmarks/detail_page.py sqlite:////tmp/mix.sqlite 0   # prints one line
"""

from __future__ import annotations

import sys

from paths import p50_ms  # benchmarks/ is the script's folder, so on the path


def main(url: str, offset: int) -> None:
    from fastapi.testclient import TestClient

    from gpudb.web import create_app
    from gpudb.web.page_data import chip_ids

    client = TestClient(create_app(url))
    client.get("/accelerators/h20")  # the snapshot and the checked claims: once a build, not timed
    client.get("/compare?ids=h20,h100-sxm")
    ids = chip_ids(url)
    synthetic = [chip for chip in ids if chip.startswith("chip-")]
    real = [chip for chip in ids if chip not in synthetic and chip not in ("h20", "h100-sxm")]
    chips = synthetic[offset * 10 : offset * 10 + 10] + real[offset * 10 : offset * 10 + 10]

    detail, _ = p50_ms(client, [f"/accelerators/{chip}" for chip in chips])
    pairs, _ = p50_ms(client, [f"/compare?ids={a},{b}" for a, b in zip(chips, chips[1:] + chips[:1], strict=True)])
    again, _ = p50_ms(client, [f"/accelerators/{chips[0]}"] * 20)
    print(f"detail p50 {detail:.1f} ms (20 chips, 10 synthetic); repeated {again:.1f} ms; compare p50 {pairs:.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
