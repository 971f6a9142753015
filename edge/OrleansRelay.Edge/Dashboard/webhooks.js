// OrleansRelay dashboard: a device's webhooks (its own, not account-wide ones): register one (the secret is shown
// once), list them with their dead-lettered deliveries, delete one behind a confirmation. Anyone who may reach the
// device may manage its webhooks (the API decides; this page only shows what it answers).
"use strict";

function webhooksPath(deviceId, suffix = "") { return `/v1/devices/${encodeURIComponent(deviceId)}/webhooks${suffix}`; }

function wireWebhooks(deviceId, item) {
  const section = $(".webhooks", item);
  $(".webhook-add", section).addEventListener("submit", event => { event.preventDefault(); addWebhook(deviceId, event.target, item); });
  $(".refresh-webhooks", section).addEventListener("click", () => showWebhooks(deviceId, item));
  section.addEventListener("toggle", () => { if (section.open) { showWebhooks(deviceId, item); } });
}

async function showWebhooks(deviceId, item) {
  const section = $(".webhooks", item);
  $(".webhook-error", section).hidden = true;
  const response = await api(webhooksPath(deviceId));
  if (!response.ok) { showError(".webhook-error", `Could not read the webhooks (${response.status}).`, section); return; }
  const webhooks = await response.json();
  const rows = await Promise.all(webhooks.map(async webhook => {
    const letters = await api(webhooksPath(deviceId, `/${encodeURIComponent(webhook.id)}/dead-letters`));
    return renderWebhook(deviceId, item, webhook, letters.ok ? await letters.json() : null, letters.status);
  }));
  $(".webhook-list", section).replaceChildren(...rows);
  $(".webhook-summary", section).textContent = webhooks.length === 0
    ? "No webhooks for this device."
    : `${webhooks.length} ${webhooks.length === 1 ? "webhook" : "webhooks"}`;
}

function renderWebhook(deviceId, item, webhook, deadLetters, deadLetterStatus) {
  const li = $("#webhook-template").content.firstElementChild.cloneNode(true);
  li.dataset.webhookId = webhook.id;
  $(".webhook-url", li).textContent = webhook.url;
  $(".webhook-meta", li).textContent = `${webhook.events.join(", ")} · since ${formatTime(webhook.createdAt)} · ${webhook.id}`;
  $(".delete-webhook", li).addEventListener("click", () => deleteWebhook(deviceId, webhook, item));
  const list = $(".dead-letters", li);
  if (deadLetters === null) {
    $(".dead-letter-summary", li).textContent = `Could not read the dead letters (${deadLetterStatus}).`;
  } else {
    $(".dead-letter-summary", li).textContent = deadLetters.length === 0
      ? "No dead-lettered deliveries."
      : `${deadLetters.length} dead-lettered ${deadLetters.length === 1 ? "delivery" : "deliveries"} (newest last):`;
    list.replaceChildren(...deadLetters.map(letter => {
      const entry = document.createElement("li");
      entry.dataset.messageId = letter.messageId;
      entry.textContent = `${letter.messageId} · ${letter.kind} · ${letter.attempts} attempts · ${letter.lastError} · ${formatTime(letter.deadLetteredAt)}`;
      return entry;
    }));
  }
  return li;
}

async function addWebhook(deviceId, form, item) {
  const section = $(".webhooks", item);
  $(".webhook-error", section).hidden = true;
  const events = [...form.querySelectorAll("input[name=event]:checked")].map(input => input.value);
  if (events.length === 0) { showError(".webhook-error", "Choose at least one kind of event.", section); return; }
  const response = await api(webhooksPath(deviceId), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ url: form.url.value.trim(), events }),
  });
  if (!response.ok) {
    // 400 carries the reason (a private address, credentials in the URL, too many webhooks …).
    const problem = await response.json().catch(() => null);
    showError(".webhook-error", `Not registered (${response.status})${problem?.message ? `: ${problem.message}` : "."}`, section);
    return;
  }
  const created = await response.json();
  const output = $(".webhook-secret", section);
  $("code", output).textContent = created.secret;
  output.hidden = false;
  form.url.value = "";
  await showWebhooks(deviceId, item);
}

async function deleteWebhook(deviceId, webhook, item) {
  if (!await confirmAction(`Delete the webhook to ${webhook.url}? Its pending deliveries stop and its dead letters are dropped.`, "Delete webhook")) { return; }
  const response = await api(webhooksPath(deviceId, `/${encodeURIComponent(webhook.id)}`), { method: "DELETE" });
  if (!response.ok && response.status !== 404) { showError(".webhook-error", `Deletion failed (${response.status}).`, $(".webhooks", item)); return; }
  $(".webhook-secret", item).hidden = true;
  await showWebhooks(deviceId, item);
}
