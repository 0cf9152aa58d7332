/** Test support for the publisher integration tests: jobs with an in-memory step store, a fake clock, media. */
import type { MediaRef, Platform } from '../../../src/domain/model';
import type { Clock } from '../../../src/ports/clock';
import type { PublishJob, PublishResult } from '../../../src/ports/publisher';
import { PublishError } from '../../../src/ports/publisher';
import type { MediaFile } from '../../../src/publishers/http';

export class FakeClock implements Clock {
  constructor(public ms = Date.parse('2026-11-29T02:00:00Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Sleep that never waits on the wall clock: it advances the fake clock and remembers the request. */
export function fakeSleep(clock: FakeClock): ((ms: number) => Promise<void>) & { calls: number[] } {
  const calls: number[] = [];
  const fn = async (ms: number) => {
    calls.push(ms);
    clock.advance(ms);
  };
  return Object.assign(fn, { calls });
}

/** The durable step store the core keeps per publication, outliving publisher instances ("restarts"). */
export class StepStore {
  readonly steps: Record<string, string> = {};
  readonly log: string[] = [];
  /** Simulated crash: throws when `name` is recorded; `persist` says whether the value was saved before dying. */
  crashOn?: { name: string; persist: boolean };

  async record(name: string, value: string): Promise<void> {
    if (this.crashOn && this.crashOn.name === name) {
      const { persist } = this.crashOn;
      this.crashOn = undefined;
      if (persist) this.steps[name] = value;
      throw new Error(`simulated crash while recording ${name}`);
    }
    this.steps[name] = value;
    this.log.push(name);
  }
}

export function makeJob(store: StepStore, over: Partial<Omit<PublishJob, 'steps' | 'recordStep'>> = {}): PublishJob {
  return {
    publicationId: 1,
    draftNo: 42,
    revision: 1,
    platform: 'wechat' as Platform,
    title: '我单位召开年度安全生产工作会议',
    body: '11月28日，我单位召开年度安全生产工作会议。\n\n会议强调，要压实责任。',
    media: [{ kind: 'image', key: 'img_cover.png' }],
    category: '单位新闻动态',
    department: '办公室',
    author: '办公室 张三',
    idempotencyKey: 'pub-1-rev-1',
    ...over,
    // A fresh copy each time, as the core would load it from the database.
    steps: { ...store.steps },
    recordStep: (name, value) => store.record(name, value),
  };
}

const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Media by key: `*.png` small PNG, `big*` over 1 MB, `*.gif` GIF, `*.mp4` video. */
export function fakeFetchMedia(): ((ref: MediaRef) => Promise<MediaFile>) & { fetched: string[] } {
  const fetched: string[] = [];
  const fn = async (ref: MediaRef): Promise<MediaFile> => {
    fetched.push(ref.key);
    const name = ref.name ?? ref.key.split('/').pop() ?? 'file';
    if (ref.key.startsWith('big')) return { bytes: Buffer.concat([PNG_HEADER, Buffer.alloc(1200 * 1024)]), contentType: 'image/png', name: `${name}.png` };
    if (ref.key.endsWith('.gif')) return { bytes: Buffer.from('GIF89a....'), contentType: 'image/gif', name };
    if (ref.key.endsWith('.mp4') || ref.kind === 'video') return { bytes: Buffer.alloc(64 * 1024, 7), contentType: 'video/mp4', name: name.endsWith('.mp4') ? name : `${name}.mp4` };
    return { bytes: Buffer.concat([PNG_HEADER, Buffer.alloc(2048, 1)]), contentType: 'image/png', name: name.endsWith('.png') ? name : `${name}.png` };
  };
  return Object.assign(fn, { fetched });
}

/**
 * What the core does: call publish; on a retryable PublishError (or a crash) call it again with
 * the steps recorded so far (backoff is the core's business and not simulated); on `pending`,
 * call poll. Gives up after `maxAttempts` and rethrows the last error.
 *
 * `whilePending` (e.g. advancing the fake clock by the core's poll interval) makes a `pending`
 * answer from a publisher without `poll` be followed by another `publish`, as the core does,
 * without counting it as an attempt (at most `maxPolls` times); without it `pending` is returned.
 */
export async function runLikeCore(
  publisher: { publish(job: PublishJob): Promise<PublishResult>; poll?(job: PublishJob): Promise<PublishResult> },
  store: StepStore,
  over: Partial<Omit<PublishJob, 'steps' | 'recordStep'>> = {},
  maxAttempts = 6,
  opts: { whilePending?: () => void; maxPolls?: number } = {},
): Promise<{ result: PublishResult; attempts: number; errors: unknown[]; pendings: number }> {
  const errors: unknown[] = [];
  let pending = false;
  let pendings = 0;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    try {
      const job = makeJob(store, over);
      const result = pending && publisher.poll ? await publisher.poll(job) : await publisher.publish(job);
      if (result.status === 'pending' && opts.whilePending && pendings < (opts.maxPolls ?? 100)) {
        pendings += 1;
        pending = true;
        opts.whilePending();
        attempt -= 1; // the core does not count a pending answer as an attempt
        continue;
      }
      if (result.status === 'pending' && publisher.poll && !opts.whilePending) {
        pending = true;
        continue;
      }
      return { result, attempts: attempt, errors, pendings };
    } catch (e) {
      errors.push(e);
      if (e instanceof PublishError && !e.retryable) throw e;
    }
  }
  throw errors[errors.length - 1] ?? new Error('still pending after all attempts');
}

export async function expectPublishError(p: Promise<unknown>): Promise<PublishError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PublishError) return e;
    throw e;
  }
  throw new Error('expected a PublishError');
}
