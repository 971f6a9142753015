// OrleansRelay dashboard: the signed-in user's integrations (OAuth grants): list them and revoke one.
// Uses dashboard.js's state, $ and authHeaders (classic scripts share their top-level names).
"use strict";

async function showIntegrations() {
  const section = $("#integrations");
  if (state.auth?.kind !== "user") { section.hidden = true; return; }
  const response = await fetch("/v1/oauth/grants", { headers: authHeaders() });
  if (!response.ok) { throw new Error(`Could not list integrations (${response.status}).`); }
  const { grants } = await response.json();
  const list = $("#grants");
  list.replaceChildren(...grants.map(renderGrant));
  $("#no-grants").hidden = grants.length > 0;
  section.hidden = false;
}

function renderGrant(grant) {
  const item = $("#grant-template").content.firstElementChild.cloneNode(true);
  item.dataset.grantId = grant.id;
  $(".grant-name", item).textContent = grant.client_name;
  $(".grant-devices", item).textContent = `Devices: ${grant.devices.join(", ")} · since ${new Date(grant.granted).toLocaleString()}`;
  $(".revoke", item).addEventListener("click", async () => {
    const response = await fetch(`/v1/oauth/grants/${encodeURIComponent(grant.id)}`, { method: "DELETE", headers: authHeaders() });
    if (response.ok || response.status === 404) { await showIntegrations(); }
    else { showError("#grants-error", `Could not revoke (${response.status}).`); }
  });
  return item;
}
