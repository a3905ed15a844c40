import { randomBytes } from 'node:crypto';
import { InstanceChange } from '../store/registry-store.interface';

/** One instance change at the revision that made it. @internal */
export interface LoggedChange {
  readonly revision: number;
  readonly change: InstanceChange;
}

/** Per service, its logged changes (oldest first) and the newest revision trimmed away from them. */
interface ServiceLog {
  readonly changes: LoggedChange[];
  /** Index of the oldest change still held (trimmed ones are dropped from the front lazily). */
  start: number;
  /** Newest revision of a change of this service no longer held: no delta from below it. */
  trimmedTo: number;
}

/** Changes the log holds by default (a renewal storm of 100 000 changed registrations fits). */
export const DEFAULT_CHANGE_LOG_SIZE = 100_000;

/**
 * A bounded change log: the last `capacity` instance changes, by service, with the revision of each,
 * so the registry answers "what changed in these services since revision N" in O(their changes) — or
 * says it cannot (N from before a reset, or a change of the service trimmed away), and the caller
 * resynchronises fully.
 *
 * `epoch` names the history: a fresh one per log (per registry process), so a revision from another
 * process — a restart, another replica — is never mistaken for one of this history. @internal
 */
export class ChangeLog {
  readonly epoch = randomBytes(6).toString('hex');
  /** Every held change in order, for trimming the oldest first. */
  private readonly queue: LoggedChange[] = [];
  private queueStart = 0;
  private readonly services = new Map<string, ServiceLog>();
  /** Deltas are known from this revision on (undefined until the first revision is seen). */
  private floor: number | undefined;
  private latestRevision: number | undefined;

  constructor(private readonly capacity = DEFAULT_CHANGE_LOG_SIZE) {}

  /** The newest revision recorded (or anchored); undefined before any. */
  get latest(): number | undefined {
    return this.latestRevision;
  }

  /** Changes held. */
  get size(): number {
    return this.queue.length - this.queueStart;
  }

  /**
   * Starts the history at `revision` when none was seen yet: the registry's revision read before any
   * change, so the first callers can get deltas from it.
   */
  anchor(revision: number): void {
    if (this.latestRevision !== undefined) return;
    this.floor = revision;
    this.latestRevision = revision;
  }

  /**
   * Records the changes that made `revision` (every change since the latest revision recorded);
   * `undefined` changes (the store cannot tell), or a revision not past the latest, restart the history there. Returns the services that changed, or undefined when that is unknown (any may have).
   */
  record(revision: number, changes: readonly InstanceChange[] | undefined): ReadonlySet<string> | undefined {
    // Revisions may skip (etcd's count every key), but a store that gives changes gives all of them; one
    // seen again is out of order, a gap the log cannot bridge.
    if (changes !== undefined && changes.length === 0 && revision === this.latestRevision) return new Set();
    if (changes === undefined || (this.latestRevision !== undefined && revision <= this.latestRevision)) {
      this.reset(revision);
      return undefined;
    }
    if (this.latestRevision === undefined) this.anchor(revision - 1);
    const touched = new Set<string>();
    for (const change of changes) {
      const logged = { revision, change };
      this.queue.push(logged);
      let service = this.services.get(change.service);
      if (service === undefined) {
        service = { changes: [], start: 0, trimmedTo: -1 };
        this.services.set(change.service, service);
      }
      service.changes.push(logged);
      touched.add(change.service);
    }
    this.latestRevision = revision;
    this.trim();
    return touched;
  }

  /**
   * The changes of `service` after `since` (oldest first), or undefined when the log cannot tell them:
   * `since` is before its history, after its latest revision, or some of them were trimmed away.
   */
  since(service: string, since: number): readonly LoggedChange[] | undefined {
    if (!this.covers(since)) return undefined;
    const log = this.services.get(service);
    if (log === undefined) return [];
    if (since < log.trimmedTo) return undefined;
    const { changes } = log;
    // Binary search for the first change newer than `since`.
    let low = log.start;
    let high = changes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (changes[mid].revision <= since) low = mid + 1;
      else high = mid;
    }
    return low === changes.length ? [] : changes.slice(low);
  }

  /**
   * The revision of the newest change of `service` the log knows of: its newest held change, else the
   * newest trimmed away, else the start of the history (nothing changed it since); undefined before any
   * history. It grows only when the service changes (or the history restarts): a per-service index.
   */
  lastChange(service: string): number | undefined {
    if (this.floor === undefined) return undefined;
    const log = this.services.get(service);
    if (log === undefined) return this.floor;
    const held = log.changes.length > log.start ? log.changes[log.changes.length - 1].revision : log.trimmedTo;
    return Math.max(held, this.floor);
  }

  /** Whether `revision` lies within the history the log holds (deltas from it may exist). */
  covers(revision: number): boolean {
    return this.floor !== undefined && this.latestRevision !== undefined && revision >= this.floor && revision <= this.latestRevision;
  }

  private reset(revision: number): void {
    this.queue.length = 0;
    this.queueStart = 0;
    this.services.clear();
    this.floor = revision;
    this.latestRevision = revision;
  }

  private trim(): void {
    while (this.size > this.capacity) {
      const oldest = this.queue[this.queueStart++];
      const log = this.services.get(oldest.change.service);
      if (log === undefined) continue;
      log.start++;
      log.trimmedTo = oldest.revision;
      if (log.start === log.changes.length) {
        // Nothing of the service left but what was trimmed: keep its bound, drop its array.
        log.changes.length = 0;
        log.start = 0;
      } else if (log.start > 1024 && log.start * 2 > log.changes.length) {
        log.changes.splice(0, log.start);
        log.start = 0;
      }
    }
    if (this.queueStart > 1024 && this.queueStart * 2 > this.queue.length) {
      this.queue.splice(0, this.queueStart);
      this.queueStart = 0;
    }
  }
}
