/* sizeup dashboard: fetch the JSON API, draw with Plotly.react, never insert raw HTML. */
"use strict";

(function () {
  const $ = (sel) => document.querySelector(sel);

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function clear(node) {
    while (node && node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function status(text, kind) {
    const box = $("#status");
    if (!box) return;
    box.textContent = text || "";
    box.className = "status" + (kind ? " " + kind : "");
  }

  async function api(url, options) {
    const res = await fetch(url, options);
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      const msg = body && body.message ? body.message : res.status + " " + res.statusText;
      const err = new Error(msg);
      err.status = res.status;
      throw err;
    }
    return body;
  }

  function fmt(v) {
    if (v === null || v === undefined) return "–";
    if (typeof v === "number") {
      if (!isFinite(v)) return "–";
      return Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(4)).toString();
    }
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  function table(target, rows, columns) {
    const box = clear(typeof target === "string" ? $(target) : target);
    if (!box) return;
    if (!rows || rows.length === 0) { box.appendChild(el("p", "no rows", "muted")); return; }
    const cols = columns || Object.keys(rows[0]);
    const t = el("table");
    const head = el("tr");
    cols.forEach((c) => head.appendChild(el("th", c)));
    const thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    const tbody = el("tbody");
    rows.forEach((r) => {
      const tr = el("tr");
      cols.forEach((c) => tr.appendChild(el("td", fmt(r[c]))));
      tbody.appendChild(tr);
    });
    t.appendChild(tbody);
    box.appendChild(t);
  }

  function keyValues(target, pairs) {
    table(target, pairs.filter((p) => p[1] !== undefined).map((p) => ({ item: p[0], value: p[1] })), ["item", "value"]);
  }

  function provenance(prov, extra) {
    const box = clear($("#provenance-body"));
    if (!box) return;
    if (!prov) { box.appendChild(el("p", "no provenance", "muted")); return; }
    const head = el("p");
    head.appendChild(el("strong", "as of " + (prov.as_of || "–")));
    if (prov.store_version !== null && prov.store_version !== undefined) {
      head.appendChild(el("span", " · store version " + prov.store_version));
    }
    head.appendChild(el("span", " · sources: " + ((prov.sources || []).join(", ") || "–")));
    box.appendChild(head);
    const rows = (prov.inputs || []).map((i) => ({
      input: i.name, source: i.source, first: i.first, "data through": i.last,
      "price basis": i.basis, "sessions behind": i.sessions_behind,
    }));
    const holder = el("div", null, "table coverage");
    box.appendChild(holder);
    table(holder, rows, ["input", "source", "first", "data through", "price basis", "sessions behind"]);
    (prov.warnings || []).forEach((w) => box.appendChild(el("p", "warning: " + w, "warning")));
    (prov.notes || []).concat(extra || []).forEach((n) => box.appendChild(el("p", "note: " + n, "note")));
  }

  function plot(id, fig) {
    const node = document.getElementById(id);
    if (!node) return;
    if (!fig) {
      if (window.Plotly) window.Plotly.purge(node);
      clear(node).appendChild(el("p", "no data for this chart", "muted"));
      return;
    }
    const ph = node.querySelector("p.muted");
    if (ph) node.removeChild(ph);
    const layout = Object.assign({}, fig.layout || {}, { autosize: true });
    delete layout.width;
    window.Plotly.react(node, fig.data || [], layout, { responsive: true, displaylogo: false });
    node.dataset.rendered = String(Number(node.dataset.rendered || "0") + 1);
  }

  function formValues(form) {
    const out = {};
    new FormData(form).forEach((v, k) => { if (typeof v === "string") out[k] = v.trim(); });
    return out;
  }

  function query(values) {
    const q = new URLSearchParams();
    Object.entries(values).forEach(([k, v]) => { if (v !== "" && v !== undefined && v !== null) q.set(k, v); });
    return q.toString();
  }

  async function storeVersion() {
    try {
      const h = await api("/api/health");
      $("#store-version").textContent = "store version " + h.store_version;
    } catch (e) { $("#store-version").textContent = "store unavailable"; }
  }

  // Wrap a page's update so only the latest request draws (inputs may change mid-flight).
  function latest(run) {
    let seq = 0;
    return async () => { const mine = ++seq; await run(() => mine !== seq); };
  }

  function onChange(form, run) {
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    form.addEventListener("change", () => run());
  }

  // ------------------------------------------------------------------ rotation
  async function rotation() {
    const form = $("#controls");
    const run = latest(async (stale) => {
      const v = formValues(form);
      status("computing…");
      try {
        const d = await api("/api/monitor?" + query({ asof: v.asof, universe: v.universe, figures: "true" }));
        if (stale()) return;
        const sb = (d.scoreboard_tr && d.scoreboard_tr.rows) || d.scoreboard_tr || [];
        table("#scoreboard", Array.isArray(sb) ? sb : [], null);
        const streaks = clear($("#streaks"));
        ["streak_week", "streak_month"].forEach((k) => { if (d[k]) streaks.appendChild(el("p", d[k].text)); });
        table("#records", (d.records || []).map((r) => ({
          symbol: r.symbol, close: r.close, record: r.record, "record date": r.record_date,
          "at record": r.is_record, "sessions since": r.sessions_since_record, drawdown: r.drawdown,
        })), null);
        clear($("#breadth-text")).appendChild(el("p", d.breadth ? "as of " + d.breadth.date + ": " + fmt(d.breadth.pct_above_50) + "% above 50-day, " + fmt(d.breadth.pct_above_200) + "% above 200-day" : "breadth not available (needs the fund's holdings and member prices)"));
        clear($("#bpi-text")).appendChild(el("p", d.bpi ? "BPI " + fmt(d.bpi.bpi) + "% on " + d.bpi.date + ", risk state " + d.bpi.state + " (" + d.bpi.bpi_column + " column)" : "bullish percent not available"));
        table("#scores", (d.fund_scores || []).map((s) => ({ fund: s.fund, score: s.ofs, trend: s.T, momentum: s.M, peers: s.P, label: s.label })), null);
        const notes = clear($("#notes"));
        (d.notes || []).forEach((n) => notes.appendChild(el("li", n)));
        const figs = d.figures || {};
        ["relative", "breadth", "bpi", "bpi_pnf", "rs_breadth", "fund_scores"].forEach((k) => plot("chart-" + k, figs[k]));
        provenance(d.provenance, ["pair: " + (d.pair || []).join(" vs ")]);
        status("");
      } catch (e) { if (!stale()) status(e.message, "error"); }
    });
    onChange(form, run);
    await run();
  }

  // ------------------------------------------------------------------ P&F
  async function pnf() {
    const form = $("#controls");
    let series = new Set();
    try {
      const s = await api("/api/symbols");
      const list = clear($("#symbols"));
      s.symbols.concat(s.series).forEach((x) => { const o = el("option"); o.value = x; list.appendChild(o); });
      series = new Set(s.series);
    } catch (e) { status(e.message, "error"); }
    const run = latest(async (stale) => {
      const v = formValues(form);
      status("computing…");
      try {
        const sym = encodeURIComponent(v.symbol || "");
        const isSeries = series.has(v.symbol);
        const vs = v.vs && v.vs !== v.symbol && !isSeries ? v.vs : "";
        const q = query({ box: v.box, reversal: v.reversal, method: v.method, basis: v.basis, asof: v.asof, vs: vs, figure: "true" });
        const d = await api("/api/pnf/" + sym + "?" + q);
        if (stale()) return;
        plot("chart-pnf", d.figure);
        const st = d.state || {};
        const col = st.column || {};
        keyValues("#state", [
          ["as of", d.asof], ["scale", d.scale], ["column", col.kind ? col.kind + " " + fmt(col.low) + " .. " + fmt(col.high) : "none yet"],
          ["signal", st.signal ? st.signal + " since " + st.signal_since : "none yet"], ["status", st.status],
          ["trend", st.trend], ["trend line", st.trend_line], ["consecutive buys", st.consecutive_buys],
          ["vertical objective", d.vertical], ["horizontal objective", d.horizontal],
          ["RS", d.rs ? d.rs.reading : null],
        ]);
        table("#patterns", (d.patterns || []).slice(-15).reverse(), null);
        provenance(d.provenance);
        if (!vs) {
          plot("chart-rs", null);
          clear($("#rs-text")).appendChild(el("p", isSeries ? "RS: not drawn for a series (no total return)" : "RS: choose a benchmark other than the charted symbol", "muted"));
        } else {
          try {
            const r = await api("/api/rs/" + sym + "?" + query({ vs: vs, asof: v.asof, figure: "true" }));
            if (stale()) return;
            plot("chart-rs", r.figure);
            clear($("#rs-text")).appendChild(el("p", r.reading));
          } catch (e) {
            if (stale()) return;
            plot("chart-rs", null);
            clear($("#rs-text")).appendChild(el("p", "RS: " + e.message, "warning"));
          }
        }
        status("");
        document.body.dataset.updated = String(Number(document.body.dataset.updated || "0") + 1);
      } catch (e) { if (!stale()) status(e.message, "error"); }
    });
    onChange(form, run);
    await run();
  }

  // ------------------------------------------------------------------ screens
  async function screens() {
    const form = $("#controls");
    const sel = $("#screen-names");
    const cat = await api("/api/screens");
    Object.entries(cat.screens).forEach(([name, desc]) => {
      const o = el("option", name); o.value = name; o.title = desc; sel.appendChild(o);
    });
    if (form.dataset.name && cat.screens[form.dataset.name]) sel.value = form.dataset.name;
    const run = latest(async (stale) => {
      const v = formValues(form);
      $("#screen-description").textContent = cat.screens[v.name] || "";
      status("running…");
      try {
        const d = await api("/api/screens/" + encodeURIComponent(v.name) + "?" + query({ asof: v.asof, top: v.top }));
        if (stale()) return;
        clear($("#screen-summary")).appendChild(el("p", d.n_passed + " names passed as of " + d.as_of + (d.universe ? " in " + d.universe : "")));
        table("#screen-rows", d.rows || [], null);
        provenance(d.provenance);
        status("");
      } catch (e) {
        if (stale()) return;
        clear($("#screen-rows"));
        provenance(null);
        status(e.message, "error");
      }
    });
    onChange(form, run);
    await run();
  }

  // ------------------------------------------------------------------ claims
  async function claims() {
    const form = $("#claims-form");
    const fileInput = $("#claims-file");
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const v = formValues(form);
      status("checking…");
      try {
        let d;
        const q = query({ asof: v.asof });
        if (fileInput.files && fileInput.files.length) {
          const fd = new FormData();
          fd.append("file", fileInput.files[0]);
          d = await api("/api/claims/upload?" + q, { method: "POST", body: fd });
        } else {
          d = await api("/api/claims?" + q, { method: "POST", headers: { "Content-Type": "text/plain" }, body: $("#claims-text").value });
        }
        table("#verdicts", d.results || d.claims || [], null);
        provenance(d.provenance);
        status("");
      } catch (e) { status(e.message, "error"); }
    });
    provenance(null);
  }

  // ------------------------------------------------------------------ backtests
  function flatten(spec, prefix, out) {
    Object.entries(spec || {}).forEach(([k, v]) => {
      const key = prefix ? prefix + "." + k : k;
      if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
      else if (["number", "boolean"].includes(typeof v)) out.push([key, v]);
    });
    return out;
  }

  async function backtests() {
    const form = $("#controls");
    const sel = $("#strategy-names");
    const cat = await api("/api/backtests");
    Object.keys(cat.strategies).forEach((name) => { const o = el("option", name); o.value = name; sel.appendChild(o); });
    sel.value = form.dataset.name && cat.strategies[form.dataset.name] ? form.dataset.name : (cat.strategies["size-rs"] ? "size-rs" : sel.value);
    const showParams = () => {
      const s = cat.strategies[sel.value];
      $("#strategy-description").textContent = s.description;
      const box = clear($("#params"));
      box.appendChild(el("legend", "parameters"));
      flatten(s.spec, "", []).forEach(([k, v]) => {
        const lab = el("label", k + " ");
        const inp = el("input");
        inp.name = "param:" + k; inp.dataset.kind = typeof v;
        if (typeof v === "boolean") { inp.type = "checkbox"; inp.checked = v; } else { inp.type = "number"; inp.step = "any"; inp.value = v; }
        lab.appendChild(inp); box.appendChild(lab);
      });
    };
    const run = latest(async (stale) => {
      const s = cat.strategies[sel.value];
      const defaults = Object.fromEntries(flatten(s.spec, "", []));
      const params = {};
      form.querySelectorAll("#params input").forEach((inp) => {
        const k = inp.name.slice(6);
        const v = inp.dataset.kind === "boolean" ? inp.checked : Number(inp.value);
        if (v !== defaults[k] && !(typeof v === "number" && isNaN(v))) params[k] = v;
      });
      const v = formValues(form);
      status("running…");
      try {
        const d = await api("/api/backtests/" + encodeURIComponent(sel.value), {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ params: params, start: v.start || null, end: v.end || null }),
        });
        if (stale()) return;
        const m = d.metrics || {};
        keyValues("#metrics", [["period", d.start + " .. " + d.end], ["final value", d.final_value]].concat(
          ["cagr", "volatility", "sharpe", "sortino", "max_drawdown", "calmar", "turnover", "exposure", "alpha", "beta"].filter((k) => k in m).map((k) => [k, m[k]])));
        const asof = (d.provenance && d.provenance.as_of) || d.end;
        const ser = d.series;
        const eq = [{ x: ser.date, y: ser.equity, name: d.strategy, type: "scatter" }];
        if (ser.benchmark) eq.push({ x: ser.date, y: ser.benchmark, name: "benchmark", type: "scatter" });
        plot("chart-equity", { data: eq, layout: { title: { text: d.strategy + " equity — as of " + asof }, yaxis: { title: { text: "value" } } } });
        plot("chart-drawdown", { data: [{ x: ser.date, y: ser.drawdown, name: "drawdown", type: "scatter", fill: "tozeroy" }], layout: { title: { text: "drawdown — as of " + asof }, yaxis: { tickformat: ".0%" } } });
        provenance(d.provenance);
        status("");
      } catch (e) { if (!stale()) status(e.message, "error"); }
    });
    sel.addEventListener("change", () => { showParams(); run(); });
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    $("#params").addEventListener("change", () => run());
    showParams();
    await run();
  }

  const pages = { rotation, pnf, screens, claims, backtests };
  document.addEventListener("DOMContentLoaded", async () => {
    storeVersion();
    const page = pages[document.body.dataset.page];
    if (page) {
      try { await page(); } catch (e) { status(e.message, "error"); }
    }
    document.body.dataset.ready = "1";
  });
})();
