// DOM rendering. Every value from the registry goes in as text (never HTML).
import { checkOf, endpointsOf, formatAddress, formatAge, isEnabled, selfPreservationOf, toneOf } from './format.js';

/** `el('td', { class: 'x', dataset: { id } }, child, 'text', …)` */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function chip(text, className = 'chip', title) {
  return el('span', { class: className, title }, text);
}

/** The registry's own state, in the top bar. */
export function renderRegistryState(container, { revision, health }) {
  const facts = [['revision', revision ?? '—']];
  if (health) {
    const store = health.store ?? {};
    facts.push([
      'store',
      el('span', { class: `tone-${store.reachable === false ? 'bad' : 'good'}`, title: store.error },
        `${store.kind ?? '?'}${store.reachable === false ? ' (unreachable)' : ''}`),
    ]);
    if (health.services !== undefined) facts.push(['services', health.services]);
    if (health.instances !== undefined) facts.push(['instances', health.instances]);
    facts.push(['watchers', health.watchers ?? '—']);
    const preservation = selfPreservationOf(health);
    if (preservation) {
      facts.push([
        'self-preservation',
        el('span', { class: `tone-${preservation.active ? 'warn' : 'good'}`, title: preservation.detail || undefined },
          preservation.active ? 'ACTIVE' : 'off'),
      ]);
    }
    if (health.uptimeSeconds !== undefined) facts.push(['up', formatAge(health.uptimeSeconds * 1000)]);
  }
  container.replaceChildren(
    ...facts.map(([term, value]) => el('div', { class: 'fact', dataset: { fact: term } }, el('dt', {}, term), el('dd', {}, value))),
  );
}

/**
 * Every service matching the filters, one table each. `actions` (or null when the registry has no
 * operator controls) builds the cell of buttons for an instance.
 */
export function renderServices(container, { services, filters, now, actions }) {
  const names = Object.keys(services).sort();
  const nameFilter = filters.name.trim().toLowerCase();
  const tagFilter = filters.tag.trim();
  const sections = [];
  let shownInstances = 0;
  for (const name of names) {
    if (nameFilter && !name.toLowerCase().includes(nameFilter)) continue;
    const all = services[name];
    const instances = tagFilter ? all.filter((instance) => instance.tags.includes(tagFilter)) : all;
    if (tagFilter && instances.length === 0) continue;
    shownInstances += instances.length;
    sections.push(renderService(name, all, instances, now, actions));
  }
  if (sections.length === 0) {
    const empty = names.length === 0 ? 'No services registered yet.' : 'No service matches the filters.';
    container.replaceChildren(el('p', { class: 'empty' }, empty));
  } else {
    container.replaceChildren(...sections);
  }
  return { shownServices: sections.length, totalServices: names.length, shownInstances };
}

function renderService(name, all, instances, now, actions) {
  const passing = all.filter((instance) => instance.status === 'passing').length;
  const drained = all.filter((instance) => !isEnabled(instance)).length;
  const criticalEndpoints = all.flatMap((instance) =>
    endpointsOf(instance).filter((endpoint) => endpoint.status !== 'passing').map((endpoint) => `${instance.id} ${endpoint.name}`));
  const tags = [...new Set(all.flatMap((instance) => instance.tags))].sort();
  const withCheck = instances.some((instance) => checkOf(instance) !== undefined || endpointsOf(instance).some((endpoint) => endpoint.check));
  const counts = el('span', { class: 'counts' },
    el('span', { dataset: { count: 'instances' } }, `${all.length} instance${all.length === 1 ? '' : 's'}`),
    el('span', { class: `tone-${passing === all.length ? 'good' : 'warn'}`, dataset: { count: 'passing' } }, `${passing} passing`),
    drained > 0 && el('span', { class: 'tone-muted', dataset: { count: 'drained' } }, `${drained} drained`),
    criticalEndpoints.length > 0 && el('span', { class: 'tone-bad', dataset: { count: 'endpoints-critical' }, title: criticalEndpoints.join('\n') },
      `${criticalEndpoints.length} endpoint${criticalEndpoints.length === 1 ? '' : 's'} critical`),
    instances.length !== all.length && el('span', { class: 'tone-muted' }, `${instances.length} shown`),
  );
  const headings = ['Instance', 'Address', 'Protocol', 'Status', 'Enabled', 'Weight', 'Tags', 'Metadata', 'Heartbeat'];
  if (withCheck) headings.push('Check');
  if (actions) headings.push('Actions');
  // Fixed layout with the same widths in every table, so the services line up down the page.
  const table = `instances${withCheck ? ' with-check' : ''}${actions ? ' with-actions' : ''}`;
  return el('section', { class: 'service', dataset: { service: name } },
    el('header', { class: 'service-head' },
      el('h2', {}, name),
      counts,
      el('span', { class: 'service-tags' }, tags.map((tag) => chip(tag))),
    ),
    el('table', { class: table },
      el('thead', {}, el('tr', {}, headings.map((heading) =>
        el('th', { scope: 'col', class: `col-${heading.toLowerCase()}` }, heading)))),
      el('tbody', {}, instances.map((instance) => renderInstance(instance, now, withCheck, actions))),
    ),
  );
}

/**
 * One row per instance. An instance with named endpoints lists them under its primary address: the
 * address, protocol, status and check cells hold one line for the primary and one per endpoint, lined up
 * across the row. Everything else (enabled, weight, heartbeat, actions) is the instance's as a whole.
 */
function renderInstance(instance, now, withCheck, actions) {
  const enabled = isEnabled(instance);
  const heartbeatAt = Date.parse(instance.lastHeartbeat);
  const metadata = Object.entries(instance.metadata ?? {});
  const endpoints = endpointsOf(instance);
  /** The primary's content, then a line per endpoint (just the content when there are none). */
  const lines = (primary, ofEndpoint) => endpoints.length === 0 ? primary : [
    el('div', { class: 'line', dataset: { line: 'primary' } }, primary),
    ...endpoints.map((endpoint) => el('div', {
      class: `line endpoint${endpoint.status === 'passing' ? '' : ' critical'}`,
      dataset: { endpoint: endpoint.name },
    }, ofEndpoint(endpoint))),
  ];
  const cells = [
    el('td', { class: 'mono id', title: `registered ${instance.registeredAt}` }, instance.id),
    el('td', { class: 'mono', dataset: { field: 'address' } }, lines(formatAddress(instance.host, instance.port), (endpoint) =>
      el('span', { title: `${endpoint.name}: ${formatAddress(instance.host, endpoint.port)}` },
        el('span', { class: 'endpoint-name' }, endpoint.name), ` :${endpoint.port}`))),
    el('td', { dataset: { field: 'protocol' } }, lines(instance.protocol, (endpoint) => endpoint.protocol)),
    el('td', { dataset: { field: 'status' } }, lines(statusPill(instance.status), (endpoint) => statusPill(endpoint.status))),
    el('td', { dataset: { field: 'enabled' } }, enabled ? 'yes' : el('span', { class: 'tone-muted' }, 'drained')),
    el('td', { class: 'num', dataset: { field: 'weight' } }, instance.weight),
    el('td', {}, instance.tags.map((tag) => chip(tag))),
    el('td', { class: 'metadata' },
      metadata.slice(0, 3).map(([key, value]) => chip(`${key}=${value}`, 'chip meta')),
      metadata.length > 3 && chip(`+${metadata.length - 3}`, 'chip more', metadata.map(([k, v]) => `${k}=${v}`).join('\n')),
    ),
    el('td', {
      class: 'num heartbeat',
      title: `${instance.lastHeartbeat} (TTL ${instance.ttlSeconds}s)`,
      dataset: { heartbeat: String(heartbeatAt), ttl: String(instance.ttlSeconds) },
    }, heartbeatText(heartbeatAt, now)),
  ];
  if (withCheck) {
    cells.push(el('td', { class: 'check', dataset: { field: 'check' } }, lines(checkLabel(checkOf(instance)), (endpoint) => checkLabel(endpoint.check))));
  }
  if (actions) cells.push(el('td', { class: 'actions' }, actions(instance)));
  const rowClass = [!enabled && 'drained', endpoints.some((endpoint) => endpoint.status !== 'passing') && 'endpoint-critical'];
  return el('tr', { class: rowClass.filter(Boolean).join(' ') || undefined, dataset: { instanceId: instance.id } }, cells);
}

function statusPill(status) {
  return el('span', { class: `status tone-${toneOf(status)}` }, status);
}

/** A check's verdict and last outcome, its details in the tooltip; `—` when there is no check. */
function checkLabel(check) {
  return check ? el('span', { class: `status tone-${toneOf(check.status)}`, title: check.detail || undefined }, check.label) : '—';
}

function heartbeatText(at, now) {
  return `${formatAge(now - at)} ago`;
}

/**
 * Ticks every heartbeat age in place (no re-render), colouring renewals that are late. `slackMs` is how
 * stale the page's copy of `lastHeartbeat` may be (renewals do not wake the watch; the page re-reads them).
 */
export function tickHeartbeats(container, now, slackMs) {
  for (const cell of container.querySelectorAll('td[data-heartbeat]')) {
    const at = Number(cell.dataset.heartbeat);
    const ttlMs = Number(cell.dataset.ttl) * 1000;
    const age = now - at;
    cell.textContent = heartbeatText(at, now);
    // A client renews every TTL/3: two missed renewals are worth a colour, an overdue one more so.
    cell.classList.toggle('late', age > (ttlMs * 2) / 3 + slackMs && age <= ttlMs + slackMs);
    cell.classList.toggle('expiring', age > ttlMs + slackMs);
  }
}
