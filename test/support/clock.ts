import type { Clock } from '../../src/ports/clock';

/** A clock that moves only when the test says so. */
export class FakeClock implements Clock {
  private t: number;
  constructor(start: string | Date = '2026-11-30T02:00:00.000Z') {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(at: string | Date): void {
    this.t = new Date(at).getTime();
  }
}
