/**
 * A min-heap of items by due time: the checker pops what is due without scanning every instance on every
 * tick. Removing an item is the caller's business (skip it when popped): a removed item lingers at most
 * until its due time. @internal
 */
export class DueQueue<T> {
  private readonly heap: { dueAt: number; item: T }[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(item: T, dueAt: number): void {
    const heap = this.heap;
    heap.push({ dueAt, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].dueAt <= heap[i].dueAt) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  }

  /** The earliest item due at or before `now`, removed from the queue; undefined when none is. */
  popDue(now: number): T | undefined {
    const heap = this.heap;
    if (heap.length === 0 || heap[0].dueAt > now) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left].dueAt < heap[smallest].dueAt) smallest = left;
        if (right < heap.length && heap[right].dueAt < heap[smallest].dueAt) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i], heap[smallest]];
        i = smallest;
      }
    }
    return top.item;
  }

  clear(): void {
    this.heap.length = 0;
  }
}
