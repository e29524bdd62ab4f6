/* sizeup "Valuation & flows" page: /api/valuation and /api/flows/{fund}, drawn with
   Plotly.react; text is only ever set with textContent (no raw HTML). */
"use strict";

(function () {
  const $ = (sel) => document.querySelector(sel);
  const FUND = /^[A-Za-z][A-Za-z0-9]{0,9}$/;

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

  function say(id, text, kind) {
    const box = document.getElementById(id);
    if (!box) return;
    box.textContent = text || "";
    box.className = kind || "muted";
  }

  async function api(url) {
    const res = await fetch(url);
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      throw new Error(body && body.message ? body.message : res.status + " " + res.statusText);
    }
    return body;
  }

  function num(v, digits) {
    if (v === null || v === undefined || typeof v !== "number" || !isFinite(v)) return "–";
    return v.toFixed(digits);
  }

  function table(id, rows, cols) {
    const box = clear(document.getElementById(id));
    if (!box) return;
    if (!rows.length) { box.appendChild(el("p", "no rows", "muted")); return; }
    const t = el("table");
    const head = el("tr");
    cols.forEach((c) => head.appendChild(el("th", c[0])));
    const thead = el("thead"); thead.appendChild(head); t.appendChild(thead);
    const body = el("tbody");
    rows.forEach((r) => {
      const tr = el("tr");
      cols.forEach((c) => tr.appendChild(el("td", c[1](r))));
      body.appendChild(tr);
    });
    t.appendChild(body);
    box.appendChild(t);
  }

  function plot(id, fig) {
    const node = document.getElementById(id);
    if (!node || !window.Plotly) return;
    if (!fig) { window.Plotly.purge(node); clear(node); return; }
    const layout = Object.assign({}, fig.layout || {}, { autosize: true });
    delete layout.width;
    window.Plotly.react(node, fig.data || [], layout, { responsive: true, displaylogo: false });
    node.dataset.rendered = String(Number(node.dataset.rendered || "0") + 1);
  }

  function provenance(id, prov) {
    const box = clear(document.getElementById(id));
    if (!box || !prov) return;
    const head = el("p");
    head.appendChild(el("strong", "as of " + (prov.as_of || "–")));
    head.appendChild(el("span", " · sources: " + ((prov.sources || []).join(", ") || "–")));
    box.appendChild(head);
    const list = el("ul");
    (prov.inputs || []).forEach((i) => list.appendChild(el("li",
      i.name + " (" + (i.source || "–") + ", " + i.basis + "): " + (i.first || "–") + " .. " + (i.last || "–"))));
    (prov.warnings || []).forEach((w) => list.appendChild(el("li", "warning: " + w, "warning")));
    (prov.notes || []).forEach((n) => list.appendChild(el("li", "note: " + n, "note")));
    box.appendChild(list);
  }

  function values(form) {
    const out = {};
    new FormData(form).forEach((v, k) => { if (typeof v === "string") out[k] = v.trim(); });
    return out;
  }

  function query(obj) {
    const q = new URLSearchParams();
    Object.entries(obj).forEach(([k, v]) => { if (v) q.set(k, v); });
    return q.toString();
  }

  function clearValuation() {
    plot("chart-valuation", null);
    ["valuation-stats", "valuation-history", "valuation-provenance"].forEach((id) => clear(document.getElementById(id)));
  }

  async function valuation(v, stale) {
    if (!FUND.test(v.small) || !FUND.test(v.large)) {
      clearValuation();
      say("valuation-status", "small and large caps must be tickers such as IWM and SPY", "warning");
      return;
    }
    say("valuation-status", "computing…");
    try {
      const d = await api("/api/valuation?" + query({ small: v.small, large: v.large, history: v.history, asof: v.asof, figure: "true" }));
      if (stale()) return;
      plot("chart-valuation", d.figure);
      table("valuation-stats", (d.ratio_stats || []).filter((r) => d.forward || !String(r.measure).startsWith("fwd_")), [
        ["measure", (r) => (d.measures || {})[r.measure] || r.measure],
        ["latest ratio", (r) => num(r.latest, 3)],
        ["long-run mean", (r) => num(r.mean, 3)],
        ["percentile", (r) => num(r.percentile, 0)],
        ["usable points", (r) => r.n],
      ]);
      table("valuation-history", d.history || [], [
        ["date", (r) => String(r.date).slice(0, 10)],
        [d.small + " P/E", (r) => num(r.small_pe_agg_ex, 1)],
        [d.large + " P/E", (r) => num(r.large_pe_agg_ex, 1)],
        ["ratio", (r) => num(r.ratio_pe_agg_ex, 3)],
        [d.small + " coverage", (r) => r.small_with_data + "/" + r.small_members],
        [d.large + " coverage", (r) => r.large_with_data + "/" + r.large_members],
        ["usable", (r) => (r.ratio_usable ? "yes" : "no")],
      ]);
      provenance("valuation-provenance", d.provenance);
      const fwd = d.forward && d.forward.reason ? " " + d.forward.reason + "." : "";
      say("valuation-status", d.small + ": " + d.small_members + "; " + d.large + ": " + d.large_members + "." + fwd);
    } catch (e) {
      if (stale()) return;
      clearValuation();
      say("valuation-status", "data missing or not valid: " + e.message, "warning");
    }
  }

  async function flows(v, stale) {
    const clearFlows = () => {
      plot("chart-flows", null);
      ["flows-rows", "flows-provenance"].forEach((id) => clear(document.getElementById(id)));
    };
    if (!FUND.test(v.fund)) {
      clearFlows();
      say("flows-status", "the fund must be a ticker such as IWM", "warning");
      return;
    }
    say("flows-status", "computing…");
    try {
      const d = await api("/api/flows/" + encodeURIComponent(v.fund) + "?" + query({ freq: v.freq, asof: v.asof, figure: "true" }));
      if (stale()) return;
      plot("chart-flows", d.figure);
      table("flows-rows", (d.rows || []).slice().reverse(), [
        ["period ending", (r) => r.period],
        ["net flow", (r) => r.flow],
        ["remarks", (r) => r.remarks],
      ]);
      provenance("flows-provenance", d.provenance);
      say("flows-status", d.title);
    } catch (e) {
      if (stale()) return;
      clearFlows();
      say("flows-status", "data missing or not valid: " + e.message, "warning");
    }
  }

  let seq = 0;
  async function run() {
    const mine = ++seq;
    const stale = () => mine !== seq;
    const v = values($("#vf-controls"));
    await Promise.all([valuation(v, stale), flows(v, stale)]);
    const prov = $("#provenance");
    if (prov) prov.hidden = true; /* each section shows its own provenance */
    document.body.dataset.vfReady = String(mine);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = $("#vf-controls");
    if (!form) return;
    form.addEventListener("submit", (ev) => { ev.preventDefault(); run(); });
    form.addEventListener("change", () => run());
    run();
  });
})();
