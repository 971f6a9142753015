// OrleansRelay dashboard: the device list and totals. Operators page through the fleet index
// (GET /v1/admin/devices, keyset cursors; GET /v1/admin/stats); users see their own devices (GET /v1/devices/list).
// The listed devices' presence and notifications arrive over the hub (dashboard.js subscribes them).
"use strict";

const fleet = { pageSize: 25, cursors: [null], page: 0, next: null, rows: [], userDevices: [], statsTimer: null, statsSoon: null };

function listedDeviceIds() { return fleet.rows.map(row => row.deviceId); }

function fleetQuery() { return { q: $("#fleet-q").value.trim(), status: $("#fleet-status").value }; }

async function loadPage() {
  $("#fleet-error").hidden = true;
  const { q, status } = fleetQuery();
  if (isOperator()) {
    const params = new URLSearchParams({ limit: String(fleet.pageSize) });
    if (q) { params.set("q", q); }
    if (status) { params.set("status", status); }
    const cursor = fleet.cursors[fleet.page];
    if (cursor) { params.set("cursor", cursor); }
    const response = await api(`/v1/admin/devices?${params}`);
    if (!response.ok) { throw new Error(`Could not list devices (${response.status}).`); }
    const page = await response.json();
    fleet.rows = page.devices;
    fleet.next = page.nextCursor;
  } else {
    const lower = q.toLowerCase();
    const matching = fleet.userDevices.filter(d =>
      (!q || d.deviceId.startsWith(q) || (d.name ?? "").toLowerCase().startsWith(lower))
      && (!status || d.online === (status === "online")));
    fleet.rows = matching.slice(fleet.page * fleet.pageSize, (fleet.page + 1) * fleet.pageSize);
    fleet.next = matching.length > (fleet.page + 1) * fleet.pageSize ? "more" : null;
  }
  renderRows();
  if (!$("#fleet").hidden) { await watch(listedDeviceIds()); }
}

function renderRows() {
  $("#fleet-rows").replaceChildren(...fleet.rows.map(renderRow));
  $("#fleet-empty").hidden = fleet.rows.length > 0;
  $("#fleet-prev").disabled = fleet.page === 0;
  $("#fleet-next").disabled = !fleet.next;
  $("#fleet-page").textContent = `Page ${fleet.page + 1}`;
}

function renderRow(device) {
  const row = $("#row-template").content.firstElementChild.cloneNode(true);
  row.dataset.deviceId = device.deviceId;
  const link = $(".open", row);
  link.href = `/?device=${encodeURIComponent(device.deviceId)}`;
  link.textContent = device.name || device.deviceId;
  link.addEventListener("click", event => { event.preventDefault(); navigate(device.deviceId); });
  $(".row-id", row).textContent = device.name ? device.deviceId : "";
  updateRow(row, device);
  return row;
}

function updateRow(row, device) {
  const badge = $(".presence", row);
  badge.dataset.online = String(device.online);
  badge.textContent = device.online ? "online" : `offline${device.reason ? ` (${device.reason})` : ""}`;
  $(".since", row).textContent = formatTime(device.since);
  $(".edge", row).textContent = device.edgeId ?? "–";
  $(".owner", row).textContent = device.owner ?? "–";
  $(".notified", row).textContent = formatTime(device.lastNotificationAt);
}

function rowOf(deviceId) { return document.querySelector(`#fleet-rows tr[data-device-id="${CSS.escape(deviceId)}"]`); }

function fleetPresence(deviceId, online, reason, at) {
  const device = fleet.rows.find(d => d.deviceId === deviceId);
  const mine = fleet.userDevices.find(d => d.deviceId === deviceId);
  for (const d of [device, mine]) {
    if (d) { Object.assign(d, { online, reason, since: at, edgeId: online ? d.edgeId : null }); }
  }
  const row = rowOf(deviceId);
  if (row && device) { updateRow(row, device); }
  refreshStatsSoon();
}

function fleetNotification(deviceId, message) {
  const device = fleet.rows.find(d => d.deviceId === deviceId);
  if (!device) { return; }
  device.lastNotificationAt = message.at;
  const row = rowOf(deviceId);
  if (row) { updateRow(row, device); }
}

async function refreshStats() {
  let stats;
  if (isOperator()) {
    const response = await api("/v1/admin/stats");
    if (!response.ok) { throw new Error(`Could not read the totals (${response.status}).`); }
    stats = await response.json();
  } else {
    const online = fleet.userDevices.filter(d => d.online).length;
    stats = { registered: fleet.userDevices.length, online, offline: fleet.userDevices.length - online, offlineByReason: {} };
  }
  $("#total-registered").textContent = stats.registered.toLocaleString();
  $("#total-online").textContent = stats.online.toLocaleString();
  $("#total-offline").textContent = stats.offline.toLocaleString();
  const reasons = Object.entries(stats.offlineByReason).map(([reason, count]) => `${reason}: ${count.toLocaleString()}`);
  $("#offline-reasons").textContent = reasons.length ? `Offline by reason — ${reasons.join(" · ")}` : "";
}

/// The index is written in batches: read the totals again shortly after a presence change, once.
function refreshStatsSoon() {
  if (fleet.statsSoon) { return; }
  fleet.statsSoon = setTimeout(() => {
    fleet.statsSoon = null;
    refreshStats().catch(error => showError("#fleet-error", error.message));
  }, 1000);
}

async function loadUserDevices() {
  const response = await api("/v1/devices/list");
  if (!response.ok) { throw new Error(`Could not list your devices (${response.status}).`); }
  const { devices } = await response.json();
  fleet.userDevices = devices.map(d => ({ deviceId: d.id, name: d.name, online: d.online, since: null, reason: null, edgeId: null, owner: null, lastNotificationAt: null }));
}

async function startFleet() {
  if (!isOperator()) { await loadUserDevices(); }
  await Promise.all([loadPage(), refreshStats()]);
  if (isOperator()) {
    fleet.statsTimer = setInterval(() => refreshStats().catch(error => showError("#fleet-error", error.message)), 5000);
  }
}

function restartList() {
  fleet.cursors = [null];
  fleet.page = 0;
  loadPage().catch(error => showError("#fleet-error", error.message));
}

let searchTimer = null;

/// Wires the search, the status filter and the pager (called by dashboard.js, which defines $).
function wireFleetControls() {
  $("#fleet-q").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(restartList, 250);
  });
  $("#fleet-status").addEventListener("change", restartList);
  $("#fleet-filter").addEventListener("submit", event => { event.preventDefault(); restartList(); });
  $("#fleet-next").addEventListener("click", () => {
    if (!fleet.next) { return; }
    fleet.page += 1;
    fleet.cursors[fleet.page] = isOperator() ? fleet.next : null;
    loadPage().catch(error => showError("#fleet-error", error.message));
  });
  $("#fleet-prev").addEventListener("click", () => {
    if (fleet.page === 0) { return; }
    fleet.page -= 1;
    loadPage().catch(error => showError("#fleet-error", error.message));
  });
}
