// OrleansRelay dashboard: one device's page. Its presence and session, its recent events (the replay window) with new
// ones arriving over the hub, the request console, and for operators its cache (purge) and credentials (rotate the
// secret, deregister), each behind a confirmation; its webhooks are webhooks.js's.
"use strict";

function card(deviceId) { return document.querySelector(`li.device[data-device-id="${CSS.escape(deviceId)}"]`); }

async function lookUp(deviceId) {
  if (isOperator()) {
    const response = await api(`/v1/admin/devices/${encodeURIComponent(deviceId)}`);
    if (response.status === 404) { throw new Error(`No device '${deviceId}'.`); }
    if (!response.ok) { throw new Error(`Could not look up '${deviceId}' (${response.status}).`); }
    return await response.json();
  }
  await loadUserDevices();
  const device = fleet.userDevices.find(d => d.deviceId === deviceId);
  if (!device) { throw new Error(`No device '${deviceId}'.`); }
  return device;
}

async function openDevice(deviceId) {
  state.openDevice = deviceId;
  state.lastEventId = 0;
  $("#devices").replaceChildren();
  const status = await lookUp(deviceId);
  const item = renderCard(status);
  setPresence(deviceId, status.online);
  showSession(item, status);
  await watch(listedDeviceIds());
  await showRecentEvents(deviceId);
  if (isOperator()) { await showCache(deviceId, item); }
}

function closeDevice() {
  state.openDevice = null;
  $("#devices").replaceChildren();
}

function renderCard(status) {
  const item = $("#device-template").content.firstElementChild.cloneNode(true);
  item.dataset.deviceId = status.deviceId;
  $(".device-name", item).textContent = status.name || status.deviceId;
  $(".device-id", item).textContent = status.deviceId;
  item.querySelectorAll(".operator-only").forEach(element => { element.hidden = !isOperator(); });
  $(".console", item).addEventListener("submit", event => { event.preventDefault(); send(status.deviceId, event.target, item); });
  $(".refresh-cache", item).addEventListener("click", () => showCache(status.deviceId, item));
  $(".purge", item).addEventListener("click", () => purgeCache(status.deviceId, item));
  $(".rotate", item).addEventListener("click", () => rotateSecret(status.deviceId, item));
  $(".deregister", item).addEventListener("click", () => deregister(status.deviceId, item));
  wireWebhooks(status.deviceId, item);
  $("#devices").append(item);
  return item;
}

function showSession(item, status) {
  const session = $(".session", item);
  session.hidden = !isOperator();
  $(".session-edge", item).textContent = status.online ? status.edgeId ?? "–" : "–";
  $(".session-epoch", item).textContent = status.online && status.epoch ? String(status.epoch) : "–";
  $(".session-since", item).textContent = status.online ? formatTime(status.connectedAt) : "–";
}

function setPresence(deviceId, online, reason) {
  const badge = $(".presence", card(deviceId));
  if (!badge) { return; }
  badge.dataset.online = String(online);
  badge.textContent = online ? "online" : `offline${reason ? ` (${reason})` : ""}`;
}

async function showRecentEvents(deviceId) {
  const path = isOperator()
    ? `/v1/admin/devices/${encodeURIComponent(deviceId)}/events?limit=50`
    : `/v1/devices/${encodeURIComponent(deviceId)}/events/recent?limit=50`;
  const response = await api(path);
  if (!response.ok) { throw new Error(`Could not read the device's events (${response.status}).`); }
  const { events } = await response.json();
  // Oldest first, so each lands on top of the one before it.
  for (const e of [...events].reverse()) { addEvent(deviceId, e.kind, { id: e.id, data: e.data, at: e.at }); }
}

/// An event pushed over the hub for the open device.
function deviceEvent(deviceId, kind, message) {
  if (deviceId !== state.openDevice) { return; }
  addEvent(deviceId, kind, message);
  if (kind === "presence") {
    const presence = JSON.parse(message.data);
    setPresence(deviceId, presence.online, presence.reason);
    if (isOperator()) {
      lookUp(deviceId).then(status => showSession(card(deviceId), status)).catch(() => {});
    }
  }
}

function addEvent(deviceId, kind, message) {
  const feed = $(".feed", card(deviceId));
  if (!feed || message.id <= state.lastEventId) { return; }
  state.lastEventId = message.id;
  const item = document.createElement("li");
  item.dataset.kind = kind;
  const time = document.createElement("time");
  time.dateTime = message.at;
  time.textContent = new Date(message.at).toLocaleTimeString();
  let text = message.data;
  if (kind === "presence") {
    const presence = JSON.parse(message.data);
    text = presence.online ? "online" : `offline (${presence.reason})`;
  }
  item.append(time, document.createTextNode(text));
  feed.prepend(item);
  while (feed.children.length > 50) { feed.lastElementChild.remove(); }
}

async function showCache(deviceId, item) {
  const response = await api(`/v1/admin/devices/${encodeURIComponent(deviceId)}/cache`);
  if (!response.ok) { showError(".device-error", `Could not read the cache (${response.status}).`, item); return; }
  const cache = await response.json();
  $(".cache-summary", item).textContent = `${cache.entries.length} entries · ${cache.bytes.toLocaleString()} bytes · ${cache.evictions} evictions`;
  $(".cache-entries", item).replaceChildren(...cache.entries.map(entry => {
    const li = document.createElement("li");
    li.textContent = `${entry.uri}${entry.variant ? ` [${entry.variant}]` : ""} · ${entry.bytes} B · age ${entry.ageSeconds} s · fresh for ${entry.freshForSeconds} s`;
    return li;
  }));
}

async function purgeCache(deviceId, item) {
  if (!await confirmAction(`Drop every cached response of ${deviceId}?`, "Purge cache")) { return; }
  const response = await api(`/v1/admin/devices/${encodeURIComponent(deviceId)}/cache`, { method: "DELETE" });
  if (!response.ok) { showError(".device-error", `Purge failed (${response.status}).`, item); return; }
  const { removed } = await response.json();
  await showCache(deviceId, item);
  $(".cache-summary", item).textContent = `Purged ${removed} cached ${removed === 1 ? "response" : "responses"}. ${$(".cache-summary", item).textContent}`;
}

async function rotateSecret(deviceId, item) {
  if (!await confirmAction(`Rotate the secret of ${deviceId}? It is disconnected until it has the new one.`, "Rotate secret")) { return; }
  const response = await api(`/v1/admin/devices/${encodeURIComponent(deviceId)}/secret`, { method: "POST" });
  if (!response.ok) { showError(".device-error", `Rotation failed (${response.status}).`, item); return; }
  const { secret } = await response.json();
  const output = $(".secret", item);
  $("code", output).textContent = secret;
  output.hidden = false;
}

async function deregister(deviceId, item) {
  if (!await confirmAction(`Deregister ${deviceId}? Its registration and session end; this cannot be undone.`, "Deregister")) { return; }
  const response = await api(`/v1/admin/devices/${encodeURIComponent(deviceId)}`, { method: "DELETE" });
  if (!response.ok && response.status !== 404) { showError(".device-error", `Deregistration failed (${response.status}).`, item); return; }
  // The index drops the row within a moment; the page does not wait for it.
  fleet.rows = fleet.rows.filter(d => d.deviceId !== deviceId);
  renderRows();
  await navigate(null);
  refreshStatsSoon();
}

async function send(deviceId, form, item) {
  const method = form.method.value;
  const path = form.path.value.startsWith("/") ? form.path.value : `/${form.path.value}`;
  const init = { method, headers: { ...authHeaders() } };
  if (method !== "GET" && method !== "DELETE" && form.body.value.trim()) {
    init.body = form.body.value;
    init.headers["Content-Type"] = "application/json";
  }
  const started = performance.now();
  const output = $(".response", item);
  output.hidden = false;
  try {
    const response = await fetch(`/v1/devices/${encodeURIComponent(deviceId)}/api${path}`, init);
    const text = await response.text();
    const elapsed = performance.now() - started;
    $(".status", output).textContent = `${response.status} ${response.statusText} · ${elapsed.toFixed(1)} ms · X-Cache: ${response.headers.get("X-Cache") ?? "–"}`;
    $(".headers", output).textContent = [...response.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
    $(".body", output).textContent = text;
  } catch (error) {
    $(".status", output).textContent = `Failed: ${error.message}`;
  }
  if (isOperator()) { await showCache(deviceId, item); }
}
