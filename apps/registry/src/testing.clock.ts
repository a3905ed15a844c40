import { Clock } from './clock';

/** A clock tests move by hand. @internal */
export class ManualClock implements Clock {
  constructor(private current = Date.parse('2025-01-01T00:00:00.000Z')) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
