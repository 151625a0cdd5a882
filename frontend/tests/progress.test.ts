import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStallWatchdog, readWithProgress } from '../src/db/progress';

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
