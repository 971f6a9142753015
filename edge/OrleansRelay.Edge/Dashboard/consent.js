// OrleansRelay OAuth consent page, shown by GET /v1/oauth/authorize after OpenIddict validated the request.
// It asks the relay what the client wants (POST /v1/oauth/authorize/validate), lets the signed-in user tick devices,
// and posts a plain form to /v1/oauth/authorize so the browser follows the redirect back to the client.
"use strict";

const storageKey = "orleansrelay.dashboard";
const $ = selector => document.querySelector(selector);
const query = new URLSearchParams(location.search);

function savedToken() {
  const auth = JSON.parse(sessionStorage.getItem(`${storageKey}.auth`) || localStorage.getItem(`${storageKey}.auth`) || "null");
  return auth?.kind === "user" && new Date(auth.expires) > new Date() ? auth.token : null;
}

function showError(message) {
  $("#error").textContent = message;
  $("#error").hidden = false;
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const response = await fetch("/v1/auth", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: form.email.value, password: form.password.value, remember: false }),
  });
  if (!response.ok) { showError(response.status === 429 ? "Too many attempts; try again later." : "Wrong e-mail or password."); return; }
  const signedIn = await response.json();
  sessionStorage.setItem(`${storageKey}.auth`, JSON.stringify({ kind: "user", token: signedIn.access_token, expires: signedIn.expires }));
  $("#sign-in").hidden = true;
  await showConsent(signedIn.access_token);
}

async function showConsent(token) {
  const response = await fetch("/v1/oauth/authorize/validate", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(Object.fromEntries(query)),
  });
  if (response.status === 401) { $("#sign-in").hidden = false; return; }
  const body = await response.json();
  if (!response.ok) { showError(body.message); return; }

  $("#client-name").textContent = body.client_name;
  $("#offline-access").hidden = !body.scopes.includes("offline_access");
  const devices = $("#devices");
  for (const device of body.devices) {
    const label = document.createElement("label");
    label.className = "check";
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", name: "device", value: device.id });
    label.append(box, ` ${device.name} (${device.id})${device.online ? "" : ", offline"}`);
    devices.append(label);
  }
  if (body.devices.length === 0) { devices.append("You have no devices yet."); }

  // Every parameter of the authorization request goes back with the consent, as OpenIddict validates it again.
  const parameters = $("#parameters");
  for (const [name, value] of query) {
    const input = document.createElement("input");
    Object.assign(input, { type: "hidden", name, value });
    parameters.append(input);
  }
  $("#access-token").value = token;
  $("#consent").hidden = false;
}

$("#sign-in-form").addEventListener("submit", event => signIn(event).catch(e => showError(e.message)));
const token = savedToken();
if (token) { showConsent(token).catch(e => showError(e.message)); } else { $("#sign-in").hidden = false; }
