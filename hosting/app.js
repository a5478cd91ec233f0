// The operations dashboard: GET /api/v1/ops/status/ with an admin ID token, redrawn
// every few seconds. Token and options come from the URL fragment (#token=…&api=…&interval=…),
// which never reaches a server, or from the form (kept for this tab only).
(function () {
  "use strict";
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("token")) sessionStorage.setItem("fieldlens.token", params.get("token"));
  const api = (params.get("api") || "").replace(/\/+$/, "");
  const intervalMs = Math.max(250, Number(params.get("interval") || 5000));
  const $ = (id) => document.getElementById(id);
  const text = (id, v) => ($(id).textContent = v);
  const usd = (n) => "$" + Number(n).toFixed(2);
  const dur = (s) =>
    s === null || s === undefined
      ? "-"
      : s < 120
        ? s.toFixed(1) + " s"
        : s < 7200
          ? (s / 60).toFixed(1) + " min"
          : (s / 3600).toFixed(1) + " h";
  const el = (tag, txt, attrs) => {
    const e = document.createElement(tag);
    if (txt !== undefined) e.textContent = txt;
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  };
  const svg = (tag, attrs) => {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };

  function token() {
    return sessionStorage.getItem("fieldlens.token");
  }

  function showForm(message) {
    $("token-form").hidden = false;
    if (message) showError(message);
  }
  function showError(message) {
    $("error").hidden = !message;
    text("error", message || "");
  }

  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem("fieldlens.token", $("token-input").value.trim());
    $("token-form").hidden = true;
    refresh();
  });

  function renderQueues(s) {
    const body = $("queues").tBodies[0];
    body.replaceChildren(
      ...s.queues.map((q) => {
        const tr = el("tr", undefined, { "data-queue": q.name });
        for (const [k, v] of [
          ["name", q.name],
          ["pending", q.pending],
          ["scheduled", q.scheduled],
          ["in_flight", q.in_flight],
          ["retrying", q.retrying],
          ["failed24h", q.failed24h],
          ["oldest", dur(q.oldest_pending_age_seconds)],
          ["dispatched", q.dispatched_last_minute],
          ["p50h", dur(q.latency.hour.p50)],
          ["p95h", dur(q.latency.hour.p95)],
          ["p95d", dur(q.latency.day.p95)],
        ]) {
          tr.appendChild(el("td", String(v), { "data-field": k }));
        }
        return tr;
      }),
    );
    text("source", s.source === "local" ? "(local runtime)" : "(Cloud Tasks)");
    const o = s.off_peak;
    text(
      "offpeak",
      `Off-peak ${o.window} ${o.time_zone}: ${o.open ? "open now" : "opens " + new Date(o.next_start).toLocaleString()} · ${o.waiting} task(s) waiting for it`,
    );
  }

  function renderBudget(b) {
    text("budget-month", b.month);
    text("budget-spent", usd(b.spent_usd));
    text("budget-limit", usd(b.limit_usd));
    text("budget-percent", b.percent.toFixed(1) + " %");
    text("budget-state", b.state);
    $("budget-state").className = "state-" + b.state;
    // Gauge: a half circle filled to the spend, ticks at 80 / 90 / 100 %.
    const g = $("gauge");
    const pt = (f, r) => [100 - r * Math.cos(Math.PI * f), 100 - r * Math.sin(Math.PI * f)];
    const arc = (f, color) => {
      const [x, y] = pt(Math.min(1, Math.max(0, f)), 80);
      return svg("path", {
        d: `M 20 100 A 80 80 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`,
        fill: "none",
        stroke: color,
        "stroke-width": 16,
      });
    };
    const ticks = [0.8, 0.9, 1].map((f) => {
      const [x1, y1] = pt(f, 68);
      const [x2, y2] = pt(f, 94);
      return svg("line", { x1, y1, x2, y2, stroke: "#1d2330", "stroke-width": 1.5 });
    });
    const fill = b.state === "OK" ? "#2e9e4f" : b.state === "WARN" ? "#d69e00" : "#c9362b";
    g.replaceChildren(arc(1, "#e3e6ec"), arc(b.percent / 100, fill), ...ticks);
    g.setAttribute("data-percent", String(b.percent));
    // Forecast: cumulative spend, actual then projected, against the thresholds.
    const f = b.forecast;
    const c = $("forecast");
    const t0 = Date.parse(f.month_start);
    const t1 = Date.parse(f.month_end);
    const top = Math.max(b.limit_usd * 1.05, f.month_end_usd);
    const X = (t) => 30 + ((Date.parse(t) - t0) / (t1 - t0)) * 280;
    const Y = (u) => 140 - (u / top) * 130;
    const lines = [0.8, 0.9, 1].map((r) =>
      svg("line", {
        x1: 30,
        x2: 310,
        y1: Y(r * b.limit_usd),
        y2: Y(r * b.limit_usd),
        stroke: r === 1 ? "#c9362b" : "#d69e00",
        "stroke-dasharray": "4 3",
      }),
    );
    const actual = f.series.filter((p) => p.kind === "actual");
    const now = actual[actual.length - 1];
    const end = f.series[f.series.length - 1];
    c.replaceChildren(
      svg("line", { x1: 30, x2: 310, y1: 140, y2: 140, stroke: "#6b7385" }),
      ...lines,
      svg("polyline", {
        points: actual.map((p) => `${X(p.at)},${Y(p.usd)}`).join(" "),
        fill: "none",
        stroke: "#2d5bd3",
        "stroke-width": 2.5,
        id: "forecast-actual",
      }),
      svg("polyline", {
        points: `${X(now.at)},${Y(now.usd)} ${X(end.at)},${Y(end.usd)}`,
        fill: "none",
        stroke: "#2d5bd3",
        "stroke-width": 2,
        "stroke-dasharray": "5 4",
        id: "forecast-projected",
      }),
    );
    const next = f.crossings
      .map(
        (x) =>
          `${x.percent} % ${x.crossed ? "crossed" : x.at ? "on " + x.at.slice(0, 10) : "not this month"}`,
      )
      .join(" · ");
    text(
      "forecast-text",
      `${usd(f.month_end_usd)} by month end (${f.month_end_percent.toFixed(1)} %) at ${usd(f.rate_per_day_usd)}/day · ${next}`,
    );
  }

  function renderPhotos(p) {
    text(
      "photo-counts",
      Object.entries(p.by_status)
        .map(([k, v]) => `${k} ${v}`)
        .join(" · "),
    );
    $("photo-counts").setAttribute("data-completed", String(p.by_status.COMPLETED));
    text(
      "latency",
      `upload → COMPLETED over the last day (${p.upload_to_completed.count} photos): p50 ${dur(p.upload_to_completed.p50)}, p95 ${dur(p.upload_to_completed.p95)}`,
    );
    text("inflight-count", String(p.in_flight.length));
    $("inflight").replaceChildren(
      ...p.in_flight.map((x) =>
        el(
          "li",
          `${x.file_name || x.photo_id} · ${x.asset_id} · ${x.status} since ${new Date(x.updated_at).toLocaleTimeString()}`,
          { "data-photo": x.photo_id, "data-status": x.status },
        ),
      ),
    );
    text("stuck-count", String(p.stuck.length));
    $("stuck").replaceChildren(
      ...p.stuck.map((x) => el("li", `${x.photo_id} · ${x.status} since ${x.since}`)),
    );
  }

  function renderFailures(list) {
    $("failures").replaceChildren(
      ...(list.length
        ? list.map((f) =>
            el("li", `${f.at || "?"} · ${f.type} · ${f.task_id}: ${f.error || "(no message)"}`),
          )
        : [el("li", "none", { class: "muted" })]),
    );
  }

  // One request at a time: a slow answer must not pile up requests behind it.
  let busy = false;
  async function refresh() {
    const t = token();
    if (!t) return showForm();
    if (busy) return;
    busy = true;
    try {
      const res = await fetch(api + "/api/v1/ops/status/", {
        headers: { authorization: "Bearer " + t },
      });
      const body = await res.json().catch(() => null);
      if (res.status === 401 || res.status === 403) {
        sessionStorage.removeItem("fieldlens.token");
        return showForm(
          `the API refused the token (${res.status}): ${(body && body.detail) || ""}`,
        );
      }
      if (!res.ok) throw new Error(`status ${res.status}: ${(body && body.detail) || ""}`);
      renderQueues(body);
      renderBudget(body.budget);
      renderPhotos(body.pipeline);
      renderFailures(body.recent_failures);
      $("app").hidden = false;
      showError("");
      text("updated", "updated " + new Date(body.generated_at).toLocaleTimeString());
      document.body.setAttribute("data-generated-at", body.generated_at);
    } catch (err) {
      showError("cannot load the status: " + err.message);
    } finally {
      busy = false;
    }
  }

  refresh();
  setInterval(() => token() && refresh(), intervalMs);
})();
