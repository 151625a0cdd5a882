import { afterEach, describe, expect, it, vi } from 'vitest';
import { afterPaint, createStallWatchdog, readWithProgress } from '../src/db/progress';

describe('start-up stall watchdog', () => {
  afterEach(() => vi.useRealTimers());

  it('never fires while progress keeps coming, however long start-up takes', async () => {
    vi.useFakeTimers();
    const watchdog = createStallWatchdog(1000, 'DuckDB start-up');
    let failed: Error | null = null;
    watchdog.stalled.catch((error: Error) => (failed = error));
    for (let step = 0; step < 60; step += 1) {
      await vi.advanceTimersByTimeAsync(900);
      watchdog.touch('loading the DuckDB engine');
    }
    expect(failed).toBeNull();
    watchdog.stop();
  });

  it('fails with the step it was in after a quiet period', async () => {
    vi.useFakeTimers();
    const watchdog = createStallWatchdog(1000, 'DuckDB start-up');
    watchdog.touch('loading the database');
    const outcome = watchdog.stalled.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await vi.advanceTimersByTimeAsync(1001);
    expect(await outcome).toBe('DuckDB start-up made no progress for 1 s (while loading the database)');
  });
});

describe('readWithProgress', () => {
  it('reports growing byte counts and returns every byte in order', async () => {
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array([5, 6])];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        chunks.forEach((chunk) => controller.enqueue(chunk));
        controller.close();
      },
    });
    const seen: number[] = [];
    const bytes = await readWithProgress(new Response(body), (loaded) => seen.push(loaded));
    expect(seen).toEqual([3, 4, 6]);
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('afterPaint', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  /** A frame clock the test drives: each tick runs the callbacks queued before it. */
  function stubFrames(): () => void {
    let queued: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => queued.push(callback));
    return () => {
      const due = queued;
      queued = [];
      due.forEach((callback) => callback(0));
    };
  }

  it('waits for the file, then for two frames, then resolves', async () => {
    vi.useFakeTimers();
    const tick = stubFrames();
    let loaded: () => void = () => undefined;
    let painted = false;
    afterPaint(new Promise<void>((resolve) => (loaded = resolve)), 1500).then(() => (painted = true));
    tick();
    await vi.advanceTimersByTimeAsync(10);
    expect(painted).toBe(false);
    loaded();
    await vi.advanceTimersByTimeAsync(0);
    tick();
    await vi.advanceTimersByTimeAsync(10);
    expect(painted).toBe(false);
    tick();
    await vi.advanceTimersByTimeAsync(0);
    expect(painted).toBe(true);
  });

  it('resolves after a file that failed to load, too', async () => {
    vi.useFakeTimers();
    const tick = stubFrames();
    let painted = false;
    afterPaint(Promise.reject(new Error('404')), 1500).then(() => (painted = true));
    await vi.advanceTimersByTimeAsync(0);
    tick();
    tick();
    await vi.advanceTimersByTimeAsync(0);
    expect(painted).toBe(true);
  });

  it('gives up waiting at the cap when no frame comes (a hidden tab) or the file stalls', async () => {
    vi.useFakeTimers();
    stubFrames();
    let painted = false;
    afterPaint(new Promise<void>(() => undefined), 1500).then(() => (painted = true));
    await vi.advanceTimersByTimeAsync(1499);
    expect(painted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(painted).toBe(true);
  });
});
