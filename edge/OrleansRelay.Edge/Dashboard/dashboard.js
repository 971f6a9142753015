// OrleansRelay dashboard: sign in (an account, or the operator key), the device list with live presence (SignalR hub
// /hubs/devices), a device's page, and the relay's charts. Plain JavaScript; fleet.js, device.js, charts.js and
// grants.js hold the parts (classic scripts share their top-level names). Loaded last: it starts the page.
"use strict";

const storageKey = "orleansrelay.dashboard";
const saved = JSON.parse(sessionStorage.getItem(`${storageKey}.auth`) || localStorage.getItem(`${storageKey}.auth`) || "null");
const state = { auth: saved, hub: null, subscribed: new Set() };
const $ = (selector, root = document) => root.querySelector(selector);
const isOperator = () => state.auth?.kind === "operator";

function authHeaders() { return { Authorization: `Bearer ${state.auth.token}` }; }

async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { ...authHeaders(), ...(init.headers ?? {}) } });
  if (response.status === 401 && state.auth?.kind === "user") { await signOut(); }
  return response;
}

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
}

function remember(auth, persist) {
  state.auth = auth;
  (persist ? localStorage : sessionStorage).setItem(`${storageKey}.auth`, JSON.stringify(auth));
}

async function signOut() {
  if (state.auth?.kind === "user") { await fetch("/v1/auth/signout", { method: "POST", headers: authHeaders() }).catch(() => {}); }
  sessionStorage.removeItem(`${storageKey}.auth`);
  localStorage.removeItem(`${storageKey}.auth`);
  location.assign("/");
}

function showError(selector, message, root = document) {
  const element = $(selector, root);
  element.textContent = message;
  element.hidden = false;
}

function formatTime(value) { return value ? new Date(value).toLocaleString() : "–"; }

/// Asks before a destructive action (a modal dialog, keyboard-accessible; Cancel has the focus).
function confirmAction(text, label) {
  const dialog = $("#confirm");
  $("#confirm-text").textContent = text;
  $("#confirm-ok").textContent = label;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise(resolve => dialog.addEventListener("close", () => resolve(dialog.returnValue === "confirm"), { once: true }));
}

// Live events: the hub pushes presence and notifications of the devices this page subscribed to (the listed ones and
// the open one).
async function connectHub() {
  state.hub = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/devices", { accessTokenFactory: () => state.auth.token })
    .withAutomaticReconnect()
    .build();
  state.hub.on("notification", message => {
    fleetNotification(message.deviceId, message);
    deviceEvent(message.deviceId, "notification", message);
  });
  state.hub.on("presence", message => {
    const presence = JSON.parse(message.data);
    fleetPresence(message.deviceId, presence.online, presence.reason, message.at);
    deviceEvent(message.deviceId, "presence", message);
  });
  const hubState = $("#hub-state");
  hubState.hidden = false;
  state.hub.onreconnecting(() => { hubState.textContent = "Reconnecting…"; });
  state.hub.onreconnected(async () => {
    hubState.textContent = "Live";
    const ids = [...state.subscribed];
    state.subscribed.clear();
    await watch(ids);
  });
  await state.hub.start();
  hubState.textContent = "Live";
}

/// Subscribes the hub to exactly the devices in <ids> plus the open device (and unsubscribes the rest).
async function watch(ids) {
  if (state.hub?.state !== signalR.HubConnectionState.Connected) { return; }
  const wanted = new Set(ids);
  if (state.openDevice) { wanted.add(state.openDevice); }
  const leaving = [...state.subscribed].filter(id => !wanted.has(id));
  const joining = [...wanted].filter(id => !state.subscribed.has(id));
  leaving.forEach(id => state.subscribed.delete(id));
  joining.forEach(id => state.subscribed.add(id));
  await Promise.all([
    ...leaving.map(id => state.hub.invoke("Unsubscribe", id).catch(() => {})),
    ...joining.map(id => state.hub.invoke("Subscribe", id).catch(() => state.subscribed.delete(id))),
  ]);
}

// Navigation: the list at "/", a device at "/?device=<id>", without reloading the page.
function navigate(deviceId) {
  history.pushState({ deviceId }, "", deviceId ? `/?device=${encodeURIComponent(deviceId)}` : "/");
  return route();
}

async function route() {
  const deviceId = new URLSearchParams(location.search).get("device");
  if (deviceId) {
    $("#fleet").hidden = true;
    $("#device-page").hidden = false;
    await openDevice(deviceId).catch(error => showError("#add-error", error.message));
  } else {
    closeDevice();
    $("#device-page").hidden = true;
    $("#fleet").hidden = false;
    await watch(listedDeviceIds());
  }
}

async function showWorkspace() {
  $("#sign-in").hidden = true;
  $("#workspace").hidden = false;
  $("#sign-out").hidden = false;
  $("#add-device").hidden = !isOperator();
  $("#charts").hidden = !isOperator();
  document.querySelectorAll(".operator-only").forEach(element => { element.hidden = !isOperator(); });
  await showIntegrations().catch(error => showError("#grants-error", error.message));
  await connectHub();
  await Promise.all([startFleet(), isOperator() ? startCharts() : Promise.resolve()]);
  await route();
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
  const id = $("#device-id").value.trim();
  $("#device-id").value = "";
  await navigate(id);
});

wireFleetControls();
$("#back").addEventListener("click", () => navigate(null));
$("#home").addEventListener("click", event => {
  if (state.auth) { event.preventDefault(); navigate(null); }
});
window.addEventListener("popstate", () => route());
$("#sign-out").addEventListener("click", signOut);

if (state.auth) { showWorkspace().catch(error => showError("#add-error", error.message)); }
