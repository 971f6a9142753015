// OrleansRelay dashboard: sign in (an account, or the operator key), see devices with live presence and
// notifications (SignalR hub /hubs/devices) and send requests to them through the relay. Plain JavaScript.
"use strict";

const storageKey = "orleansrelay.dashboard";
const saved = JSON.parse(sessionStorage.getItem(`${storageKey}.auth`) || localStorage.getItem(`${storageKey}.auth`) || "null");
const state = { auth: saved, devices: JSON.parse(localStorage.getItem(`${storageKey}.devices`) || "[]"), hub: null };
const $ = (selector, root = document) => root.querySelector(selector);
const isOperator = () => state.auth?.kind === "operator";

function authHeaders() { return { Authorization: `Bearer ${state.auth.token}` }; }

async function signIn(form) {
  const key = form.key.value;
  if (key) {
    // GET /v1/admin/key answers 204 for the operator key and 401 for anything else.
    const probe = await fetch("/v1/admin/key", { headers: { "X-Admin-Key": key } });
    if (probe.status === 401) { throw new Error("That key was not accepted."); }
    if (!probe.ok) { throw new Error(`Sign-in failed (${probe.status}).`); }
    remember({ kind: "operator", token: key }, false);
    return;
  }
  const response = await fetch("/v1/auth", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: form.email.value, password: form.password.value, remember: form.remember.checked }),
  });
  if (response.status === 401) { throw new Error("Wrong e-mail or password (or the address is not confirmed yet)."); }
  if (response.status === 429) { throw new Error(`Too many attempts; try again in ${response.headers.get("Retry-After") ?? "a few"} s.`); }
  if (!response.ok) { throw new Error(`Sign-in failed (${response.status}).`); }
  const signedIn = await response.json();
  remember({ kind: "user", token: signedIn.access_token, expires: signedIn.expires }, form.remember.checked);
  state.devices = signedIn.devices.map(d => d.id);
  saveDevices();
}

function remember(auth, persist) {
  state.auth = auth;
  (persist ? localStorage : sessionStorage).setItem(`${storageKey}.auth`, JSON.stringify(auth));
}

async function signOut() {
  if (state.auth?.kind === "user") { await fetch("/v1/auth/signout", { method: "POST", headers: authHeaders() }).catch(() => {}); }
  sessionStorage.removeItem(`${storageKey}.auth`);
  localStorage.removeItem(`${storageKey}.auth`);
  location.reload();
}

function saveDevices() { localStorage.setItem(`${storageKey}.devices`, JSON.stringify(state.devices)); }

function card(deviceId) { return document.querySelector(`li.device[data-device-id="${CSS.escape(deviceId)}"]`); }

function setPresence(deviceId, online, reason) {
  const badge = $(".presence", card(deviceId));
  if (!badge) { return; }
  badge.dataset.online = String(online);
  badge.textContent = online ? "online" : `offline${reason ? ` (${reason})` : ""}`;
}

function addNotification(deviceId, message) {
  const feed = $(".feed", card(deviceId));
  if (!feed) { return; }
  const item = document.createElement("li");
  const time = document.createElement("time");
  time.dateTime = message.at;
  time.textContent = new Date(message.at).toLocaleTimeString();
  item.append(time, document.createTextNode(message.data));
  feed.prepend(item);
  while (feed.children.length > 50) { feed.lastElementChild.remove(); }
}

async function lookUp(deviceId) {
  if (isOperator()) {
    const response = await fetch(`/v1/admin/devices/${encodeURIComponent(deviceId)}`, { headers: authHeaders() });
    if (response.status === 404) { throw new Error(`No device '${deviceId}'.`); }
    if (!response.ok) { throw new Error(`Could not look up '${deviceId}' (${response.status}).`); }
    return await response.json();
  }
  const response = await fetch("/v1/devices/list", { headers: authHeaders() });
  if (response.status === 401) { await signOut(); }
  const device = (await response.json()).devices.find(d => d.id === deviceId);
  if (!device) { throw new Error(`No device '${deviceId}'.`); }
  return { deviceId: device.id, name: device.name, online: device.online };
}

async function addDevice(deviceId) {
  const status = await lookUp(deviceId);
  if (!card(deviceId)) { renderCard(status); }
  setPresence(deviceId, status.online);
  if (!state.devices.includes(deviceId)) { state.devices.push(deviceId); saveDevices(); }
  if (state.hub?.state === signalR.HubConnectionState.Connected) { await state.hub.invoke("Subscribe", deviceId); }
}

function renderCard(status) {
  const item = $("#device-template").content.firstElementChild.cloneNode(true);
  item.dataset.deviceId = status.deviceId;
  $(".device-name", item).textContent = status.name || status.deviceId;
  $(".device-id", item).textContent = status.deviceId;
  $(".remove", item).addEventListener("click", async () => {
    state.devices = state.devices.filter(id => id !== status.deviceId);
    saveDevices();
    item.remove();
    if (state.hub?.state === signalR.HubConnectionState.Connected) { await state.hub.invoke("Unsubscribe", status.deviceId); }
  });
  $(".console", item).addEventListener("submit", event => { event.preventDefault(); send(status.deviceId, event.target, item); });
  $("#devices").append(item);
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
}

async function connectHub() {
  state.hub = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/devices", { accessTokenFactory: () => state.auth.token })
    .withAutomaticReconnect()
    .build();
  state.hub.on("notification", message => addNotification(message.deviceId, message));
  state.hub.on("presence", message => {
    const presence = JSON.parse(message.data);
    setPresence(message.deviceId, presence.online, presence.reason);
  });
  const hubState = $("#hub-state");
  state.hub.onreconnecting(() => { hubState.textContent = "Reconnecting…"; });
  state.hub.onreconnected(async () => {
    hubState.textContent = "Live";
    for (const id of state.devices) { await state.hub.invoke("Subscribe", id); }
  });
  await state.hub.start();
  hubState.textContent = "Live";
  for (const id of state.devices) { await state.hub.invoke("Subscribe", id); }
}

async function showWorkspace() {
  $("#sign-in").hidden = true;
  $("#workspace").hidden = false;
  $("#sign-out").hidden = false;
  $("#add-device").hidden = !isOperator();
  const wanted = new URLSearchParams(location.search).get("device");
  if (wanted && !state.devices.includes(wanted)) { state.devices.push(wanted); saveDevices(); }
  await showIntegrations().catch(error => showError("#grants-error", error.message));
  await connectHub();
  for (const id of [...state.devices]) {
    try { await addDevice(id); } catch (error) { showError("#add-error", error.message); }
  }
}

function showError(selector, message) {
  const element = $(selector);
  element.textContent = message;
  element.hidden = false;
}

$("#sign-in-form").addEventListener("submit", async event => {
  event.preventDefault();
  try {
    await signIn(event.target);
    await showWorkspace();
  } catch (error) {
    showError("#sign-in-error", error.message);
  }
});

$("#add-device").addEventListener("submit", async event => {
  event.preventDefault();
  $("#add-error").hidden = true;
  try {
    await addDevice($("#device-id").value.trim());
    $("#device-id").value = "";
  } catch (error) {
    showError("#add-error", error.message);
  }
});

$("#sign-out").addEventListener("click", signOut);

if (state.auth) { showWorkspace().catch(error => showError("#add-error", error.message)); }
