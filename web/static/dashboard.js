// Reviewstream dashboard: reads the v2 stats API with the API key kept in sessionStorage.
"use strict";

const CHANNELS = ["email", "whatsapp", "sms", "other"];
const ROWS = [...CHANNELS, "total"];
const COLORS = { email: "#3b6fd8", whatsapp: "#25a35a", sms: "#e07b00", other: "#8a5cc2" };
const REFRESH_MS = Number(document.body.dataset.refreshMs) || 30000;
const STORE = "reviewstream.apiKey";
const $ = (id) => document.getElementById(id);
let refresh = null;

function apiKey() { return sessionStorage.getItem(STORE); }

async function api(path, params) {
  const url = path + (params ? "?" + new URLSearchParams(params) : "");
  const response = await fetch(url, { headers: { Authorization: "Bearer " + apiKey() } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(body && body.error ? body.error.message : response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

// The tenant's local calendar day, as the server counts days.
function localToday(zone) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
}

function addDays(iso, n) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const count = (n) => (n === null || n === undefined ? "–" : n.toLocaleString("en-US"));
const percent = (r) => (r === null || r === undefined ? "–" : (r * 100).toFixed(1) + "%");

function cell(metric, value, text, extra) {
  const raw = value === null || value === undefined ? "" : String(value);
  return `<td data-metric="${metric}" data-value="${raw}">${text}${extra || ""}</td>`;
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function renderFunnel(p) {
  const head = "<tr><th>channel</th><th>sent</th><th>delivered</th><th>read</th><th>impressions</th><th>responses</th></tr>";
  const rows = ROWS.map((ch) => {
    const rate = (name) => `<span class="rate" data-metric="rates.${name}.${ch}" data-value="${p.rates[name][ch] ?? ""}">${percent(p.rates[name][ch])}</span>`;
    return `<tr><td>${ch}</td>` +
      cell(`sent.${ch}`, p.sent[ch], count(p.sent[ch])) +
      cell(`delivered.${ch}`, p.delivered[ch], count(p.delivered[ch]), rate("delivery")) +
      cell(`read.${ch}`, p.read[ch], count(p.read[ch])) +
      cell(`impressions.${ch}`, p.impressions[ch], count(p.impressions[ch]), rate("impression")) +
      cell(`responses.${ch}`, p.responses[ch], count(p.responses[ch]), rate("response")) + "</tr>";
  });
  $("funnel").innerHTML = head + rows.join("");
}

function renderChart(target, series, metric) {
  const width = 600, height = 180, pad = 28;
  const max = Math.max(1, ...series.flatMap((p) => CHANNELS.map((ch) => p[metric][ch])));
  const x = (i) => pad + (series.length < 2 ? 0 : (i * (width - 2 * pad)) / (series.length - 1));
  const y = (v) => height - pad - (v * (height - 2 * pad)) / max;
  const lines = CHANNELS.map((ch) => {
    const points = series.map((p, i) => `${x(i).toFixed(1)},${y(p[metric][ch]).toFixed(1)}`).join(" ");
    const dots = series.map((p, i) =>
      `<circle cx="${x(i).toFixed(1)}" cy="${y(p[metric][ch]).toFixed(1)}" r="2.5" fill="${COLORS[ch]}">` +
      `<title>${escape(p.period)} ${ch}: ${p[metric][ch]}</title></circle>`).join("");
    return `<polyline fill="none" stroke="${COLORS[ch]}" stroke-width="2" points="${points}"/>${dots}`;
  }).join("");
  const first = series.length ? escape(series[0].period) : "";
  const last = series.length ? escape(series[series.length - 1].period) : "";
  $(target).innerHTML =
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${metric} over time by channel">` +
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#ccc"/>` +
    `<text x="${pad}" y="12" font-size="11" fill="#778">${max}</text>` +
    `<text x="${pad}" y="${height - 8}" font-size="11" fill="#778">${first}</text>` +
    `<text x="${width - pad}" y="${height - 8}" font-size="11" fill="#778" text-anchor="end">${last}</text>` +
    lines + "</svg>" +
    `<div class="legend">${CHANNELS.map((ch) => `<span><i style="background:${COLORS[ch]}"></i>${ch}</span>`).join("")}</div>`;
}

function renderRates(p) {
  const head = "<tr><th>channel</th><th>same period</th><th>by send date</th></tr>";
  const rows = ROWS.map((ch) => `<tr><td>${ch}</td>` +
    cell(`rates.response.${ch}`, p.rates.response[ch], percent(p.rates.response[ch])) +
    cell(`rates.response_by_send_date.${ch}`, p.rates.response_by_send_date[ch],
      percent(p.rates.response_by_send_date[ch])) + "</tr>");
  $("response-rates").innerHTML = head + rows.join("");
}

function renderRatings(p, previous) {
  const now = p.rating.average.total, before = previous.rating.average.total;
  $("avg-rating").textContent = now === null ? "–" : now.toFixed(2);
  $("avg-rating").dataset.value = now === null ? "" : String(now);
  const change = $("avg-change");
  if (now === null || before === null) {
    change.textContent = before === null ? "no ratings in the previous period" : "";
    change.className = "muted";
  } else {
    const delta = Math.round((now - before) * 100) / 100;
    change.textContent = `${delta >= 0 ? "▲ +" : "▼ "}${delta.toFixed(2)} vs previous period (${before.toFixed(2)})`;
    change.className = delta >= 0 ? "up" : "down";
  }
  change.dataset.value = now === null || before === null ? "" : String(Math.round((now - before) * 100) / 100);
  const dist = p.rating.distribution;
  const most = Math.max(1, ...Object.values(dist));
  $("stars").innerHTML = ["5", "4", "3", "2", "1"].map((s) =>
    `<div class="bar"><span>${s} ★</span><span class="fill" style="width:${(dist[s] * 60) / most}%"></span>` +
    `<span data-metric="rating.distribution.${s}" data-value="${dist[s]}">${count(dist[s])}</span></div>`).join("");
}

function renderLifetime(p) {
  const names = ["sent", "delivered", "read", "failed", "impressions", "responses"];
  const head = `<tr><th>channel</th>${names.map((n) => `<th>${n}</th>`).join("")}<th>avg rating</th></tr>`;
  const rows = ROWS.map((ch) => `<tr><td>${ch}</td>` +
    names.map((n) => cell(`lifetime.${n}.${ch}`, p[n][ch], count(p[n][ch]))).join("") +
    cell(`lifetime.rating.average.${ch}`, p.rating.average[ch],
      p.rating.average[ch] === null ? "–" : p.rating.average[ch].toFixed(2)) + "</tr>");
  $("lifetime").innerHTML = head + rows.join("");
}

async function load() {
  const params = { from: $("from").value, to: $("to").value, granularity: $("granularity").value };
  $("status").textContent = "Loading…";
  try {
    const [stats, overall] = await Promise.all([api("/v2/stats", params), api("/v2/stats/overall")]);
    $("board-error").textContent = "";
    $("period-label").textContent = `${stats.from} to ${stats.to}, ${stats.timezone}`;
    renderFunnel(stats.totals);
    for (const metric of ["sent", "impressions", "responses"]) renderChart(`chart-${metric}`, stats.series, metric);
    renderRates(stats.totals);
    renderRatings(stats.totals, stats.previous);
    renderLifetime(overall.totals);
    $("status").textContent = "Updated " + new Date().toLocaleTimeString();
    $("status").dataset.loaded = String(Date.now());
  } catch (error) {
    if (error.status === 401) return signOut("Your API key was refused; sign in again.");
    $("board-error").textContent = error.message;
    $("status").textContent = "";
  }
}

async function start() {
  try {
    const overall = await api("/v2/stats/overall");
    $("tenant").textContent = `${overall.tenant} · ${overall.timezone}`;
    if (!$("to").value) $("to").value = localToday(overall.timezone);
    if (!$("from").value) $("from").value = addDays($("to").value, -29);
  } catch (error) {
    return signOut(error.status === 401 ? "That API key was refused." : error.message);
  }
  $("sign-in").hidden = true;
  $("board").hidden = false;
  $("sign-out").hidden = false;
  await load();
  clearInterval(refresh);
  refresh = setInterval(load, REFRESH_MS);
}

function signOut(message) {
  sessionStorage.removeItem(STORE);
  clearInterval(refresh);
  $("board").hidden = true;
  $("sign-out").hidden = true;
  $("sign-in").hidden = false;
  $("tenant").textContent = "";
  $("sign-in-error").textContent = message || "";
}

$("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(STORE, $("api-key").value.trim());
  $("api-key").value = "";
  start();
});
$("range").addEventListener("submit", (event) => { event.preventDefault(); load(); });
$("sign-out").addEventListener("click", () => signOut());
if (apiKey()) start();
