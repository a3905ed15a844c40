// The registry dashboard: a long-poll loop on /watch keeps the page live, /health shows the registry's
// own state and says whether operator controls exist. No framework, no build step.
import * as api from './api.js';
import { el, renderRegistryState, renderServices, tickHeartbeats } from './view.js';

/** Long-poll timeout asked of the registry. */
const WATCH_TIMEOUT_SECONDS = 30;
/** Renewals do not wake the watch, so heartbeats (and /health) are re-read this often. */
const REFRESH_MS = 5_000;
/** Retry backoff after a failed watch: doubling from the first value, capped, jittered. */
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 10_000;
const TOKEN_KEY = 'registry-dashboard-token';

const $ = (id) => document.getElementById(id);

const state = {
  revision: null,
  services: {},
  health: null,
  /** Server clock minus ours, only when clearly skewed (the Date header has a 1 s resolution). */
  clockOffsetMs: 0,
  filters: readFilters(),
  /** Re-render waiting for the operator to leave a weight field. */
  renderPending: false,
};

function now() {
  return Date.now() + state.clockOffsetMs;
}

// ---- rendering -------------------------------------------------------------------------------------

function render() {
  const services = $('services');
  if (services.contains(document.activeElement) && document.activeElement.tagName === 'INPUT') {
    state.renderPending = true; // never rebuild a field under the operator's cursor
    return;
  }
  state.renderPending = false;
  const controls = state.health?.operatorControls === true;
  const shown = renderServices(services, {
    services: state.services,
    filters: state.filters,
    now: now(),
    actions: controls ? instanceActions : null,
  });
  tickHeartbeats(services, now(), REFRESH_MS);
  renderRegistryState($('registry-state'), { revision: state.revision, health: state.health });
  const instances = Object.values(state.services).reduce((sum, list) => sum + list.length, 0);
  $('summary').textContent =
    shown.shownServices === shown.totalServices
      ? `${shown.totalServices} service${shown.totalServices === 1 ? '' : 's'}, ${instances} instance${instances === 1 ? '' : 's'}`
      : `showing ${shown.shownServices} of ${shown.totalServices} services (${shown.shownInstances} of ${instances} instances)`;
  $('controls-state').textContent = state.health && !controls ? 'read-only: this registry has no operator controls' : '';
  const tags = [...new Set(Object.values(state.services).flat().flatMap((instance) => instance.tags))].sort();
  $('known-tags').replaceChildren(...tags.map((tag) => el('option', { value: tag })));
  $('forget-token').hidden = !storedToken();
}

function setConnection(kind, text) {
  const badge = $('connection');
  badge.dataset.state = kind;
  badge.textContent = text;
}

function notify(text, tone = 'info') {
  const notice = $('notice');
  notice.textContent = text;
  notice.dataset.tone = tone;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => (notice.textContent = ''), tone === 'error' ? 12_000 : 5_000);
}

/** Applies `{ revision, services }` unless an answer already seen is newer. */
function applyState(answer) {
  const { revision, services } = answer.body;
  if (state.revision !== null && revision < state.revision) return;
  state.revision = revision;
  state.services = services;
  noteServerClock(answer.date);
  render();
}

function noteServerClock(date) {
  const server = Date.parse(date ?? '');
  if (!Number.isFinite(server)) return;
  const offset = server + 500 - Date.now();
  state.clockOffsetMs = Math.abs(offset) > 2_000 ? offset : 0;
}

// ---- live updates ----------------------------------------------------------------------------------

async function watchLoop() {
  let failures = 0;
  for (;;) {
    const abort = new AbortController();
    // A proxy that swallows the answer must not stall the page: give up a little after the registry would.
    const timer = setTimeout(() => abort.abort(), (WATCH_TIMEOUT_SECONDS + 10) * 1000);
    try {
      const answer = await api.watch(state.revision, WATCH_TIMEOUT_SECONDS, abort.signal, storedToken());
      failures = 0;
      setConnection('live', 'live');
      applyState(answer);
    } catch (error) {
      if (isRefused(error)) {
        // Reads need a token here: ask once (the refresh loop waits on the same question), then go on.
        await readToken();
        continue;
      }
      failures += 1;
      const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (failures - 1)) * (0.5 + Math.random() / 2);
      setConnection('retrying', `disconnected, retry ${failures} in ${Math.ceil(delay / 1000)}s`);
      $('connection').title = String(error?.message ?? error);
      await sleep(delay);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function refreshLoop() {
  for (;;) {
    try {
      const [health, services] = await Promise.all([api.health(), api.services(undefined, storedToken())]);
      state.health = health.body;
      applyState(services);
    } catch (error) {
      // The watch loop reports the connection; a missed refresh only leaves ages a little older.
      if (isRefused(error)) await readToken();
    }
    await sleep(REFRESH_MS);
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- tokens (one per tab, in sessionStorage: an admin token reads too) ---------------------------

function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** 401: no token or an unknown one; 403: a known token of too narrow a scope. */
function isRefused(error) {
  return error instanceof api.HttpError && (error.status === 401 || error.status === 403);
}

/** The one pending question for a read token, shared by the watch and refresh loops. */
let readTokenAsked = null;

/**
 * Asks for a token that reads this registry and keeps it for the tab. Cancelled, the page stays locked
 * (no polling, no new dialog) until the operator clicks "Enter token".
 */
function readToken() {
  readTokenAsked ??= (async () => {
    sessionStorage.removeItem(TOKEN_KEY);
    setConnection('locked', 'read token needed');
    for (;;) {
      const token = await askToken('Reading this registry needs a token (read, write or admin). It is kept in this tab\'s session only.');
      if (token) {
        sessionStorage.setItem(TOKEN_KEY, token);
        setConnection('connecting', 'connecting…');
        return;
      }
      $('enter-token').hidden = false;
      await new Promise((resolve) => $('enter-token').addEventListener('click', resolve, { once: true }));
      $('enter-token').hidden = true;
    }
  })().finally(() => {
    readTokenAsked = null;
    render();
  });
  return readTokenAsked;
}

// ---- operator controls -----------------------------------------------------------------------------

function instanceActions(instance) {
  const enabled = instance.enabled !== false;
  const weight = el('input', {
    type: 'number', min: '1', max: '1000', step: '1', value: String(instance.weight),
    class: 'weight-input', 'aria-label': `weight of ${instance.id}`,
    on: { keydown: (event) => event.key === 'Enter' && setWeight() },
  });
  const setWeight = () => {
    const value = Number(weight.value);
    if (!Number.isInteger(value) || value < 1 || value > 1000) return notify('weight must be an integer 1–1000', 'error');
    if (value !== instance.weight) void change(instance, { weight: value }, `weight of ${instance.id} set to ${value}`);
  };
  return [
    el('button', {
      type: 'button', class: enabled ? 'drain' : 'enable', dataset: { action: enabled ? 'drain' : 'enable' },
      on: { click: () => change(instance, { enabled: !enabled }, `${instance.id} ${enabled ? 'drained' : 'enabled'}`) },
    }, enabled ? 'Drain' : 'Enable'),
    weight,
    el('button', { type: 'button', class: 'set-weight', on: { click: setWeight } }, 'Set'),
  ];
}

/** PATCHes the instance; asks for the admin token on a 401 or 403 (a narrower token), and keeps it for this tab (sessionStorage). */
async function change(instance, changes, done) {
  try {
    try {
      await api.patchInstance(instance.name, instance.id, changes, storedToken());
    } catch (error) {
      if (!isRefused(error)) throw error;
      sessionStorage.removeItem(TOKEN_KEY);
      const token = await askToken('Changes to instances need an admin token. It is kept in this tab\'s session only.');
      if (!token) return notify('change cancelled: no token', 'error');
      sessionStorage.setItem(TOKEN_KEY, token);
      await api.patchInstance(instance.name, instance.id, changes, token);
    }
    notify(done); // the watch brings the new state
  } catch (error) {
    notify(`${instance.id}: ${error.message}`, 'error');
  } finally {
    $('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
  }
}

function askToken(why) {
  const dialog = $('token-dialog');
  const input = $('token-input');
  $('token-why').textContent = why;
  input.value = '';
  return new Promise((resolve) => {
    const finish = (value) => {
      $('token-form').removeEventListener('submit', onSubmit);
      $('token-cancel').removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      resolve(value);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      finish(input.value.trim() || null);
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(null);
    };
    $('token-form').addEventListener('submit', onSubmit);
    $('token-cancel').addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
}

// ---- filters (kept in the URL, so a filtered view can be shared) -----------------------------------

function readFilters() {
  const query = new URLSearchParams(window.location.search);
  return { name: query.get('service') ?? '', tag: query.get('tag') ?? '' };
}

function writeFilters() {
  const query = new URLSearchParams();
  if (state.filters.name) query.set('service', state.filters.name);
  if (state.filters.tag) query.set('tag', state.filters.tag);
  const search = query.toString();
  window.history.replaceState(null, '', search ? `?${search}` : window.location.pathname);
}

function bindFilters() {
  for (const [id, key] of [['filter-name', 'name'], ['filter-tag', 'tag']]) {
    const input = $(id);
    input.value = state.filters[key];
    input.addEventListener('input', () => {
      state.filters[key] = input.value;
      writeFilters();
      render();
    });
  }
}

// ---- start -----------------------------------------------------------------------------------------

bindFilters();
$('forget-token').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  notify('token forgotten');
  render();
});
$('services').addEventListener('focusout', () => setTimeout(() => state.renderPending && render()));
setInterval(() => tickHeartbeats($('services'), now(), REFRESH_MS), 1_000);
void watchLoop();
void refreshLoop();
