// The organiser's page: posts the CSV to POST /allocations, shows what is wrong with it, or polls the run until it ends.
'use strict';

const POLL_MS = 1000;
const TOKEN_KEY = 'santa-api-token';
const $ = (id) => document.getElementById(id);

function headers(extra) {
  const token = $('token').value.trim();
  return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
}

function showProblems(message, details) {
  $('problems').hidden = false;
  $('problems-message').textContent = message;
  const rows = $('problem-rows');
  rows.replaceChildren();
  for (const { line, field, message: text } of details) {
    const row = rows.insertRow();
    for (const cell of [line, field, text]) row.insertCell().textContent = String(cell ?? '');
  }
  $('problems-table').hidden = details.length === 0;
}

function showChannel(id, counts, participants) {
  const row = $(id);
  for (const key of ['sent', 'skipped', 'failed']) row.querySelector(`.${key}`).textContent = String(counts[key]);
  const bar = row.querySelector('progress');
  bar.max = Math.max(participants, 1);
  bar.value = counts.sent + counts.skipped + counts.failed;
}

function showRun(view) {
  $('run-status').textContent = view.status;
  $('run-stage').textContent = view.stage;
  $('run-participants').textContent = String(view.participants);
  showChannel('email-row', view.email, view.participants);
  showChannel('sms-row', view.sms, view.participants);
  $('run-error').hidden = !view.error;
  $('run-error').textContent = view.error ?? '';
  $('run-failures').replaceChildren(
    ...(view.failures ?? []).map((f) =>
      Object.assign(document.createElement('li'), { textContent: `${f.name} (${f.channel}): ${f.error}` }),
    ),
  );
}

async function follow(self) {
  for (;;) {
    try {
      const res = await fetch(self, { headers: headers({}) });
      if (res.ok) {
        const view = await res.json();
        showRun(view);
        if (view.status !== 'RUNNING') return;
      }
    } catch {
      // The server may be restarting; keep asking.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function start(event) {
  event.preventDefault();
  const file = $('file').files[0];
  if (!file) return;
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('problems').hidden = true;
  $('run').hidden = true;
  $('start').disabled = true;
  try {
    const query = $('dry-run').checked ? '?dryRun=true' : '';
    const res = await fetch(`/allocations${query}`, {
      method: 'POST',
      body: await file.text(),
      headers: headers({ 'content-type': 'text/csv' }),
    });
    const answer = await res.json().catch(() => ({}));
    if (res.status === 401) {
      $('token-box').open = true;
      return showProblems('The server needs its API token: enter it under "API token" and start again.', []);
    }
    if (res.status !== 202) {
      const details = answer.details ?? [];
      // With details, the table says it all, line by line; the message would repeat it.
      const summary =
        `The file has ${details.length} problem${details.length === 1 ? '' : 's'}: ` +
        `fix ${details.length === 1 ? 'it' : 'them'} and start again.`;
      return showProblems(details.length > 0 ? summary : (answer.message ?? `The server answered ${res.status}.`), details);
    }
    $('run').hidden = false;
    $('run-id').textContent = answer.id;
    $('run-ui').href = answer.links.ui;
    await follow(answer.links.self);
  } catch (error) {
    showProblems(`Could not reach the server: ${error.message}`, []);
  } finally {
    $('start').disabled = false;
  }
}

$('token').value = sessionStorage.getItem(TOKEN_KEY) ?? '';
$('upload').addEventListener('submit', start);
