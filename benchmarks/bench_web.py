"""Benchmark of ``sizeup serve`` on the imported shared data: latency and a bounded load test.

Workload: the store of :mod:`bench_monitor` (^RUT / ^GSPC, the ETFs, the 1,848 IWM members
2000-2026 and the IWM holdings; built once and reused). The server is ``sizeup serve`` in its
own process on 127.0.0.1 (a free port); every request goes to 127.0.0.1 only.

Measured:

- the rotation page's data (``GET /api/monitor?figures=true``): the first request (cold:
  numba compilation, store reads), the same request again (warm, answered from the per-version
  result cache) and a warm recomputation (another as-of date: compiled kernels and OS-cached
  files, nothing cached by the app);
- a bounded load test: 50 concurrent async httpx clients for 60 s (``--quick``: 10 s), each
  looping over the rotation endpoint and P&F endpoints (IWM, SPY, ^RUT; three box sizes);
  errors (non-200 or transport errors), requests per second, p50 and p99 latency. The clients
  stop by themselves at the deadline.

Wall time, the server process's CPU (user + system, from /proc) and the clients' CPU are
reported; the machine may be shared with other work, which the wall times then include.

Usage: ``python benchmarks/bench_web.py [--quick]``; ``run(quick)`` returns a dict.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

CLIENTS = 50
PNF_PATHS = [
    f"/api/pnf/{sym}?box={box}"
    for sym in ("IWM", "SPY", "%5ERUT")
    for box in ("traditional", "1%25", "2%25")
]
ROTATION = "/api/monitor?figures=true"


class _Server:
    """``sizeup serve`` on 127.0.0.1 (a free port) in its own process (its own GIL)."""

    def __init__(self, root: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = root
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Server:
        import httpx

        exe = Path(sys.executable).parent / "sizeup"
        cmd = [str(exe), "--data-dir", str(self.root), "serve", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [*cmd, "--log-level", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/api/health", timeout=5)
                return self
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError("sizeup serve did not start within 120 s")

    def cpu(self) -> float:
        """User + system CPU seconds of the server process so far (Linux; NaN elsewhere)."""
        assert self.proc is not None
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def _timed_get(server: _Server, path: str) -> tuple[float, float, int]:
    """Wall seconds, server CPU seconds and status of one request."""
    import httpx

    w0, c0 = time.perf_counter(), server.cpu()
    res = httpx.get(server.url + path, timeout=600)
    return time.perf_counter() - w0, server.cpu() - c0, res.status_code


async def _load(server: _Server, seconds: float, clients: int) -> dict[str, Any]:
    import httpx

    base = server.url
    assert urlsplit(base).hostname == "127.0.0.1"
    paths = [ROTATION, *PNF_PATHS]
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {"rotation": [], "pnf": []}
    errors: list[str] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(k: int, http: httpx.AsyncClient) -> None:
        i = k
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            try:
                res = await http.get(path)
                ok = res.status_code == 200
                if not ok:
                    errors.append(f"{path}: {res.status_code}")
            except httpx.HTTPError as exc:
                ok = False
                errors.append(f"{path}: {type(exc).__name__}")
            dt = time.perf_counter() - t0
            if ok:
                latencies.append(dt)
                by_kind["rotation" if path == ROTATION else "pnf"].append(dt)

    w0, c0, s0 = time.perf_counter(), _cpu(), server.cpu()
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as http:
        await asyncio.gather(*(client(k, http) for k in range(clients)))
    wall, cpu, server_cpu = time.perf_counter() - w0, _cpu() - c0, server.cpu() - s0

    def pct(xs: list[float], q: float) -> float:
        return float(np.percentile(xs, q) * 1000) if xs else float("nan")

    return {
        "clients": clients,
        "seconds": seconds,
        "requests": len(latencies) + len(errors),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:5],
        "requests_per_s": (len(latencies) + len(errors)) / wall,
        "p50_ms": pct(latencies, 50),
        "p99_ms": pct(latencies, 99),
        "rotation_p50_ms": pct(by_kind["rotation"], 50),
        "rotation_p99_ms": pct(by_kind["rotation"], 99),
        "pnf_p50_ms": pct(by_kind["pnf"], 50),
        "pnf_p99_ms": pct(by_kind["pnf"], 99),
        "wall_s": wall,
        "client_cpu_s": cpu,
        "server_cpu_s": server_cpu,
    }


def run(quick: bool = False) -> dict[str, Any]:
    """Build (or reuse) the full store, serve it, time the rotation data and load-test."""
    from bench_monitor import STORE, build_store

    t0 = time.perf_counter()
    _, how = build_store()
    setup = time.perf_counter() - t0
    out: dict[str, Any] = {"store": str(STORE), "store_built_by": how, "setup_s": setup}
    with _Server(STORE) as server:
        wall, cpu, status = _timed_get(server, ROTATION)
        out["rotation_cold"] = {"wall_s": wall, "cpu_s": cpu, "status": status}
        warm = [_timed_get(server, ROTATION) for _ in range(20)]
        out["rotation_warm_cached"] = {
            "p50_ms": float(np.median([w for w, _, _ in warm]) * 1000),
            "max_ms": float(max(w for w, _, _ in warm) * 1000),
            "server_cpu_ms_per_request": float(np.mean([c for _, c, _ in warm]) * 1000),
            "statuses": sorted({s for _, _, s in warm}),
        }
        import httpx

        health = httpx.get(server.url + "/api/health").json()
        last = httpx.get(server.url + "/api/symbols").json()["last_date"]
        dates = [d.date().isoformat() for d in _previous_sessions(last, 3)]
        recompute = [_timed_get(server, f"{ROTATION}&asof={d}") for d in dates]
        out["rotation_warm_recompute"] = {
            "asof_dates": dates,
            "wall_s": [w for w, _, _ in recompute],
            "cpu_s": [c for _, c, _ in recompute],
            "statuses": sorted({s for _, _, s in recompute}),
        }
        for path in PNF_PATHS:  # compute each P&F once before the load test
            _timed_get(server, path)
        out["store_version"] = health["store_version"]
        out["load"] = asyncio.run(_load(server, 10.0 if quick else 60.0, CLIENTS))
    out["rotation_warm_under_300ms"] = out["rotation_warm_cached"]["p50_ms"] <= 300.0
    out["markdown"] = markdown(out)
    return out


def _previous_sessions(last: str, n: int) -> list[Any]:
    import pandas as pd

    days = pd.bdate_range(end=pd.Timestamp(last) - pd.Timedelta(days=1), periods=n)
    return list(days[::-1])


def markdown(res: dict[str, Any]) -> str:
    """Render a result as a Markdown table."""
    cold, warm, rec, load = (
        res["rotation_cold"],
        res["rotation_warm_cached"],
        res["rotation_warm_recompute"],
        res["load"],
    )

    def ms(a: float, b: float) -> str:
        return f"p50 {a:.1f} ms, p99 {b:.1f} ms"

    rows = [
        ("store", f"{res['store']} ({res['store_built_by']}), version {res['store_version']}"),
        (
            "rotation data, first request (cold)",
            f"{cold['wall_s']:.2f} s wall, {cold['cpu_s']:.2f} s server CPU",
        ),
        (
            "rotation data, warm (per-version cache)",
            f"p50 {warm['p50_ms']:.1f} ms, max {warm['max_ms']:.1f} ms",
        ),
        (
            "rotation data, warm recompute (new as-of)",
            ", ".join(f"{w:.2f} s" for w in rec["wall_s"]) + " wall; "
            + ", ".join(f"{c:.2f} s" for c in rec["cpu_s"]) + " server CPU",
        ),
        (
            f"load: {load['clients']} clients x {load['seconds']:.0f} s (rotation + P&F)",
            f"{load['requests']} requests, {load['errors']} errors, "
            f"{load['requests_per_s']:.0f} req/s",
        ),
        ("load latency, all", ms(load["p50_ms"], load["p99_ms"])),
        ("load latency, rotation", ms(load["rotation_p50_ms"], load["rotation_p99_ms"])),
        ("load latency, P&F", ms(load["pnf_p50_ms"], load["pnf_p99_ms"])),
        (
            "load wall / server CPU / client CPU",
            f"{load['wall_s']:.1f} s / {load['server_cpu_s']:.1f} s / {load['client_cpu_s']:.1f} s",
        ),
    ]  # fmt: skip
    lines = ["| measure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    res = run(parser.parse_args().quick)
    print(res["markdown"])


if __name__ == "__main__":
    main()
