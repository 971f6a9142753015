// OrleansRelay dashboard: the relay's live charts (operators), drawn with uPlot from GET /v1/admin/metrics/relay:
// the last 15 minutes of every edge's figures, one point per sampling interval, read again every interval.
"use strict";

const charts = { plots: {}, timer: null };

const chartSpecs = {
  requests: {
    series: [["2xx", "#17803d"], ["3xx", "#2456c8"], ["4xx", "#b7791f"], ["5xx", "#b42318"]],
    values: p => [p.requestsPerSecond["2xx"], p.requestsPerSecond["3xx"], p.requestsPerSecond["4xx"], p.requestsPerSecond["5xx"]],
    latest: p => `${(p.requestsPerSecond["1xx"] + p.requestsPerSecond["2xx"] + p.requestsPerSecond["3xx"] + p.requestsPerSecond["4xx"] + p.requestsPerSecond["5xx"]).toFixed(1)} req/s`,
  },
  latency: {
    series: [["p50", "#2456c8"], ["p99", "#b42318"]],
    values: p => [p.latencyP50Ms, p.latencyP99Ms],
    latest: p => `p50 ${p.latencyP50Ms.toFixed(2)} · p99 ${p.latencyP99Ms.toFixed(2)} ms`,
  },
  online: {
    series: [["online", "#17803d"]],
    values: p => [p.devicesOnline],
    latest: p => `${p.devicesOnline.toLocaleString()}`,
  },
  notifications: {
    series: [["notifications/s", "#7a3fb0"]],
    values: p => [p.notificationsPerSecond],
    latest: p => `${p.notificationsPerSecond.toFixed(1)}/s`,
  },
};

function chartWidth(figure) { return Math.max(200, Math.floor($(".plot", figure).clientWidth || figure.clientWidth || 300)); }

function makePlot(name, figure) {
  const spec = chartSpecs[name];
  const options = {
    width: chartWidth(figure),
    height: 150,
    legend: { show: true, live: false },
    cursor: { show: true },
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [{ stroke: "#5b6675" }, { stroke: "#5b6675", size: 60 }],
    series: [{}, ...spec.series.map(([label, color]) => ({ label, stroke: color, width: 2, points: { show: false } }))],
  };
  return new uPlot(options, [[], ...spec.series.map(() => [])], $(".plot", figure));
}

async function refreshCharts() {
  const response = await api("/v1/admin/metrics/relay");
  if (!response.ok) { throw new Error(`Could not read the relay's figures (${response.status}).`); }
  const { points } = await response.json();
  $("#charts-error").hidden = true;
  const x = points.map(p => Date.parse(p.at) / 1000);
  for (const figure of document.querySelectorAll("#charts figure.chart")) {
    const name = figure.dataset.chart;
    const spec = chartSpecs[name];
    const plot = charts.plots[name] ??= makePlot(name, figure);
    const columns = spec.series.map((_, i) => points.map(p => spec.values(p)[i]));
    plot.setData([x, ...columns]);
    const last = points.at(-1);
    $(".latest", figure).textContent = last ? `— now ${spec.latest(last)}` : "— no data yet";
    figure.dataset.latestAt = last ? last.at : "";
    figure.dataset.latest = last ? String(spec.values(last).reduce((a, b) => a + b, 0)) : "";
  }
}

async function startCharts() {
  await refreshCharts().catch(error => showError("#charts-error", error.message));
  charts.timer = setInterval(() => refreshCharts().catch(error => showError("#charts-error", error.message)), 5000);
  const resize = new ResizeObserver(() => {
    for (const figure of document.querySelectorAll("#charts figure.chart")) {
      charts.plots[figure.dataset.chart]?.setSize({ width: chartWidth(figure), height: 150 });
    }
  });
  resize.observe($("#charts"));
}
