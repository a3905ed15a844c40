import { ChangeListener, InstanceChange } from './registry-store.interface';

/** How long a missing revision may take to arrive before the ones after it are told without details. */
export const DEFAULT_GAP_MS = 500;

/**
 * Tells a remote store's listeners each revision once and in order, with the changes that made it. Redis
 * numbers revisions one by one, but they reach a replica by two paths: its own writes (from the script's
 * reply) and everyone's (from pub/sub). A reply can overtake the message of another replica's earlier
 * write; a change log fed out of order would lose that write's change. So a revision past the next one
 * waits, briefly, for the ones before it; a gap that does not fill (a message lost with a reconnection),
 * or a revision learnt without its changes, is told without changes: listeners then resynchronise. @internal
 */
export class RevisionSequencer {
  private told = 0;
  private readonly held = new Map<number, readonly InstanceChange[] | undefined>();
  /** The newest revision known to exist (held, or reached without details). */
  private newest = 0;
  private gapTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly tell: ChangeListener,
    private readonly gapMs = DEFAULT_GAP_MS,
  ) {}

  /** The last revision told. */
  get latest(): number {
    return this.told;
  }

  /** Starts (or restarts, after the store's counter went back) from `revision`, telling nothing. */
  reset(revision: number): void {
    this.told = revision;
    this.newest = revision;
    this.held.clear();
    this.clearTimer();
  }

  /**
   * `revision` and what made it (undefined: unknown). Told at once when it is the next one; otherwise
   * held until the revisions before it arrive or {@link gapMs} passes.
   */
  changed(revision: number, changes: readonly InstanceChange[] | undefined): void {
    if (revision <= this.told || this.held.has(revision)) return;
    this.held.set(revision, changes);
    this.newest = Math.max(this.newest, revision);
    this.drain();
  }

  /**
   * The store is at `revision`, details unknown (a sweep's or a reconnection's reading). `now`: tell it at
   * once (messages may have been lost); otherwise only if the revisions up to it have not arrived within {@link gapMs}.
   */
  reached(revision: number, now = false): void {
    if (revision <= this.told) return;
    this.newest = Math.max(this.newest, revision);
    if (now) this.skipTo(revision);
    else this.drain();
  }

  /** Stops the timer; nothing is told after. */
  close(): void {
    this.clearTimer();
    this.held.clear();
  }

  private drain(): void {
    while (this.held.has(this.told + 1)) {
      const changes = this.held.get(this.told + 1);
      this.held.delete(++this.told);
      this.tell(this.told, changes);
    }
    if (this.newest <= this.told) this.clearTimer();
    else if (this.gapTimer === undefined) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        this.skipTo(this.endOfGap());
      }, this.gapMs);
      this.gapTimer.unref();
    }
  }

  /** The revision before the first one held (the ones after it keep their changes), or the newest known. */
  private endOfGap(): number {
    let first = Infinity;
    for (const held of this.held.keys()) first = Math.min(first, held);
    return first === Infinity ? this.newest : first - 1;
  }

  /** Gives up on the revisions before `revision`: told without changes, then the held ones after it in order. */
  private skipTo(revision: number): void {
    if (revision <= this.told) return;
    for (const held of this.held.keys()) if (held <= revision) this.held.delete(held);
    this.told = revision;
    this.tell(revision, undefined);
    this.drain();
  }

  private clearTimer(): void {
    if (this.gapTimer !== undefined) clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }
}
