"""Property tests of the P&F engine: kernel vs slow reference, chart structure, invariances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.analytics.pnf import (
    FIELD_DTYPES,
    NO_BOX,
    NO_LINE,
    REL_EPS,
    BoxScale,
    FixedScale,
    LevelsScale,
    PercentScale,
    PnfChart,
    SeriesResult,
    TraditionalScale,
    build_series,
    pnf_chart,
    reference_chart,
)

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)

SCALES: list[BoxScale] = [
    FixedScale(1.0),
    FixedScale(0.25),
    PercentScale(0.01),
    PercentScale(0.065),
    TraditionalScale("stockcharts"),
    TraditionalScale("dwa"),
    LevelsScale.from_array(np.round(np.cumsum(np.linspace(0.5, 3.0, 80)) + 5.0, 2)),
]


@dataclass(frozen=True)
class Case:
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    scale: BoxScale
    reversal: int
    method: str


@st.composite
def cases(draw: st.DrawFn, *, scales: list[BoxScale] = SCALES, max_n: int = 150) -> Case:
    n = draw(st.integers(1, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    scale = draw(st.sampled_from(scales))
    reversal = draw(st.integers(1, 5))
    method = draw(st.sampled_from(["hl", "close"]))
    vol = draw(st.sampled_from([0.005, 0.02, 0.06]))
    snap = draw(st.sampled_from([0.0, 0.25, 1.0]))  # snap prices to a tick (hits levels exactly)
    nan_frac = draw(st.sampled_from([0.0, 0.0, 0.1]))
    rng = np.random.default_rng(seed)
    base = 40.0 if not isinstance(scale, LevelsScale) else 60.0
    c = base * np.exp(np.cumsum(rng.normal(0, vol, n)))
    h = c * np.exp(np.abs(rng.normal(0, vol / 2, n)))
    lo = c * np.exp(-np.abs(rng.normal(0, vol / 2, n)))
    if isinstance(scale, LevelsScale):
        top, bottom = scale.values[-1], scale.values[0]
        c, h, lo = (np.clip(a, bottom, top) for a in (c, h, lo))
    if snap:
        c, h, lo = (np.maximum(np.round(a / snap) * snap, snap) for a in (c, h, lo))
        h = np.maximum(h, np.maximum(c, lo))
        lo = np.minimum(lo, c)
        if isinstance(scale, LevelsScale):
            c, h, lo = (np.clip(a, scale.values[0], scale.values[-1]) for a in (c, h, lo))
    if nan_frac:
        gone = rng.random(n) < nan_frac
        c, h, lo = c.copy(), h.copy(), lo.copy()
        c[gone] = h[gone] = lo[gone] = np.nan
    if method == "close":
        h = lo = c
    return Case(h, lo, c, scale, reversal, method)


def _kernel(case: Case) -> SeriesResult:
    return build_series(
        case.high,
        case.low,
        case.close,
        kind=case.scale.kind,
        params=case.scale.params(),
        reversal=case.reversal,
        eps=REL_EPS,
    )


@SETTINGS
@given(cases())
def test_kernel_equals_reference(case: Case) -> None:
    k = _kernel(case)
    r = reference_chart(case.high, case.low, case.close, case.scale, reversal=case.reversal)
    box = [None if v == NO_BOX else int(v) for v in k.box]
    line = [None if v == NO_LINE else int(v) for v in k.trend_line]
    got = [list(k.column), list(k.direction), box, list(k.action), list(k.boxes_added)]
    got += [list(k.signal), list(k.signal_fired), list(k.consec_buys), list(k.consec_sells)]
    got += [list(k.trend), line]
    want = [r.col, r.direction, r.box, r.action, r.added, r.signal, r.fired]
    want += [r.consec_buys, r.consec_sells, r.trend, r.trend_line]
    names = ["col", "dir", "box", "act", "add", "sig", "fired", "cbuy", "csell", "trend", "line"]
    for name, a, b in zip(names, got, want, strict=True):
        assert [int(x) if x is not None else None for x in a] == b, name
    per_col = (k.col_direction, k.col_low, k.col_high, k.col_first_bar, k.col_last_bar)
    cols = list(zip(*(list(map(int, a)) for a in per_col), strict=True))
    assert cols == r.columns
    for name, dtype in FIELD_DTYPES.items():
        assert name == "status" or getattr(k, name).dtype == dtype, name


def _chart(case: Case) -> PnfChart:
    idx = pd.bdate_range("2000-01-03", periods=len(case.close))
    frame = pd.DataFrame({"high": case.high, "low": case.low, "close": case.close}, index=idx)
    return pnf_chart(
        frame,
        box=case.scale,
        reversal=case.reversal,
        method=case.method,
    )


@SETTINGS
@given(cases(max_n=400))
def test_chart_structure(case: Case) -> None:
    ch = _chart(case)
    d, lo, hi = ch.col_direction, ch.col_low, ch.col_high
    n = ch.n_columns
    assert np.all(hi >= lo)
    if n:
        assert np.all(d[1:] != d[:-1]), "columns alternate"
        # every reversal column spans >= R boxes and starts next to the previous extreme
        assert np.all((hi - lo + 1)[1:] >= case.reversal)
        for c in range(1, n):
            if d[c] == 1:
                assert lo[c] == lo[c - 1] + 1
            else:
                assert hi[c] == hi[c - 1] - 1
        assert np.all(np.diff(ch.col_first_bar) > 0)
        assert np.all(ch.col_last_bar >= ch.col_first_bar)
        # per-bar log is consistent with the columns
        last = ch.bar_column[-1]
        assert last == n - 1
        final = hi[last] if d[last] == 1 else lo[last]
        assert ch.bar_box[-1] == final
        assert np.sum(ch.bar_boxes_added) == np.sum(hi - lo + 1)
        assert np.all(np.diff(ch.bar_column) >= 0)
    # consec counts reset on the opposite signal
    fired = ch.bar_signal_fired
    assert np.all(ch.bar_consec_buys[fired == -1] == 0)
    assert np.all(ch.bar_consec_sells[fired == 1] == 0)
    assert np.all((ch.bar_trend != 0) == (ch.bar_trend_line != NO_LINE))
    assert np.all(ch.bar_trend[ch.bar_signal == 0] == 0)


@SETTINGS
@given(
    cases(scales=[PercentScale(0.01), PercentScale(0.0325), PercentScale(0.065)], max_n=200),
    st.integers(-40, 40),
)
def test_percent_grid_invariant_to_scaling_by_box_powers(case: Case, k: int) -> None:
    p = case.scale.pct
    factor = (1.0 + p) ** k
    a = _chart(case)
    scaled = Case(
        case.high * factor,
        case.low * factor,
        case.close * factor,
        case.scale,
        case.reversal,
        case.method,
    )
    b = _chart(scaled)
    for name in (
        "bar_column",
        "bar_direction",
        "bar_action",
        "bar_boxes_added",
        "bar_signal",
        "bar_signal_fired",
        "bar_consec_buys",
        "bar_consec_sells",
        "bar_trend",
        "col_direction",
        "col_first_bar",
        "col_last_bar",
    ):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    has = a.bar_direction != 0
    np.testing.assert_array_equal(a.bar_box[has] + k, b.bar_box[has])
    line = a.bar_trend_line != NO_LINE
    np.testing.assert_array_equal(a.bar_trend_line[line] + k, b.bar_trend_line[line])
    np.testing.assert_array_equal(a.col_low + k, b.col_low)
    np.testing.assert_array_equal(a.col_high + k, b.col_high)


@SETTINGS
@given(cases(max_n=300), st.floats(0.0, 1.0))
def test_no_look_ahead_prefix(case: Case, frac: float) -> None:
    full = _chart(case)
    t = max(1, round(frac * len(case.close)))
    idx = full.dates
    frame = pd.DataFrame({"high": case.high, "low": case.low, "close": case.close}, index=idx)
    cut = pnf_chart(
        frame,
        box=case.scale,
        reversal=case.reversal,
        method=case.method,
        asof=idx[t - 1],
    )
    short = _chart(
        Case(case.high[:t], case.low[:t], case.close[:t], case.scale, case.reversal, case.method)
    )
    for ch in (cut, short):
        assert len(ch.dates) == t
        for name in (
            "bar_column",
            "bar_direction",
            "bar_box",
            "bar_action",
            "bar_boxes_added",
            "bar_signal",
            "bar_signal_fired",
            "bar_consec_buys",
            "bar_consec_sells",
            "bar_trend",
            "bar_trend_line",
        ):
            np.testing.assert_array_equal(getattr(ch, name), getattr(full, name)[:t], err_msg=name)
        # finished columns are identical; the current one is the full column as of t
        m = ch.n_columns
        np.testing.assert_array_equal(ch.col_direction, full.col_direction[:m])
        np.testing.assert_array_equal(ch.col_first_bar, full.col_first_bar[:m])
        if m > 1:
            np.testing.assert_array_equal(ch.col_low[: m - 1], full.col_low[: m - 1])
            np.testing.assert_array_equal(ch.col_high[: m - 1], full.col_high[: m - 1])


# ------------------------------------------------------------------ packed panel state

PANEL_FIELDS = [
    "column",
    "direction",
    "box",
    "action",
    "boxes_added",
    "signal",
    "signal_fired",
    "consec_buys",
    "consec_sells",
    "trend",
    "trend_line",
]

REF_ATTRS = [
    "col",
    "direction",
    "box",
    "action",
    "added",
    "signal",
    "fired",
    "consec_buys",
    "consec_sells",
    "trend",
    "trend_line",
]


@st.composite
def panels(draw: st.DrawFn) -> tuple[list[Case], list[int]]:
    """A few series on one scale / reversal / method / length, with per-series start bars."""
    scale = draw(st.sampled_from(SCALES))
    reversal = draw(st.integers(1, 5))
    method = draw(st.sampled_from(["hl", "close"]))
    n = draw(st.integers(1, 200))
    k = draw(st.integers(1, 4))
    out: list[Case] = []
    starts: list[int] = []
    for _ in range(k):
        case = draw(cases(scales=[scale], max_n=n))
        pad = n - len(case.close)  # series shorter than n: NaN bars first (not listed yet)
        h, lo, c = (
            np.concatenate([np.full(pad, np.nan), a]) for a in (case.high, case.low, case.close)
        )
        if method == "close":
            h = lo = c
        out.append(Case(h, lo, c, scale, reversal, method))
        starts.append(draw(st.integers(0, n)))
    return out, starts


def _status_direct(sig: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Status as the old PnfPanel computed it from the signal and direction arrays."""
    out = np.zeros(sig.shape, dtype=np.int8)
    out[(sig == 1) & (d == 1)] = 1
    out[(sig == 1) & (d == -1)] = 2
    out[(sig == -1) & (d == -1)] = 3
    out[(sig == -1) & (d == 1)] = 4
    return out


@SETTINGS
@given(panels(), st.sampled_from([1, 2]), st.sampled_from(["pool", "prange"]))
def test_packed_panel_fields_equal_reference(
    drawn: tuple[list[Case], list[int]], threads: int, backend: str
) -> None:
    # the kernel writes only (box, flag bits, start boxes); every event-log field is replayed
    # from them on access. Each replayed field must equal the directly computed value of the
    # slow reference, bar for bar, and the one-pass "last bar" state must equal the last row.
    from sizeup.analytics.pnf import build_panel, build_panel_packed

    series, starts = drawn
    sc, rev = series[0].scale, series[0].reversal
    h = np.stack([c.high for c in series])
    lo = np.stack([c.low for c in series])
    cl = np.stack([c.close for c in series])
    st_arr = np.array(starts, np.int64)
    kw = {"kind": sc.kind, "params": sc.params(), "reversal": rev, "eps": REL_EPS}
    packed = build_panel_packed(h, lo, cl, st_arr, threads=threads, backend=backend, **kw)
    n = h.shape[1]
    w0 = n // 3
    last = packed.last(threads=threads)
    legacy = build_panel(h, lo, cl, st_arr, threads=threads, **kw)
    refs = [
        reference_chart(c.high, c.low, c.close, sc, reversal=rev, start=s)
        for c, s in zip(series, starts, strict=True)
    ]
    want: dict[str, np.ndarray] = {}
    for name, attr in zip(
        PANEL_FIELDS,
        REF_ATTRS,
        strict=True,
    ):
        sentinel = NO_LINE if name == "trend_line" else NO_BOX
        want[name] = np.array(
            [[sentinel if v is None else v for v in getattr(r, attr)] for r in refs], np.int64
        )
    want["status"] = _status_direct(want["signal"], want["direction"]).astype(np.int64)
    for name in [*PANEL_FIELDS, "status"]:
        got = packed.field(name, threads=threads)
        assert got.dtype == FIELD_DTYPES[name], name
        assert got.shape == (len(series), n), name
        np.testing.assert_array_equal(got, want[name], err_msg=name)
        np.testing.assert_array_equal(
            packed.field(name, start=w0, threads=threads), want[name][:, w0:], err_msg=name
        )
        if name != "status":
            np.testing.assert_array_equal(
                getattr(legacy, name), want[name], err_msg=f"build_panel {name}"
            )
        np.testing.assert_array_equal(last[name], want[name][:, -1], err_msg=f"last {name}")
