// Start-up progress: bytes of DuckDB's wasm and of the database file, for the progress bar, and a
// watchdog that fails start-up only when nothing has moved for a while (a slow link is not a hang).

export interface LoadProgress {
  wasm: { loaded: number; total: number };
  database: { loaded: number; total: number };
}

let progress: LoadProgress = { wasm: { loaded: 0, total: 0 }, database: { loaded: 0, total: 0 } };
const listeners = new Set<() => void>();

export function loadProgress(): LoadProgress {
  return progress;
}

export function subscribeProgress(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function reportProgress(part: keyof LoadProgress, loaded: number, total: number): void {
  progress = { ...progress, [part]: { loaded, total: Math.max(total, loaded) } };
  for (const listener of listeners) listener();
}

export interface StallWatchdog {
  /** Something moved: restart the quiet period. */
  touch(step?: string): void;
  stop(): void;
  /** Rejects when `milliseconds` pass with no touch. */
  stalled: Promise<never>;
}

export function createStallWatchdog(milliseconds: number, what: string): StallWatchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let step = 'starting';
  let fail: (error: Error) => void = () => undefined;
  const stalled = new Promise<never>((_, reject) => (fail = reject));
  stalled.catch(() => undefined);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(new Error(`${what} made no progress for ${milliseconds / 1000} s (while ${step})`)), milliseconds);
  };
  arm();
  return {
    touch(next) {
      if (next) step = next;
      arm();
    },
    stop: () => clearTimeout(timer),
    stalled,
  };
}

/** Read a response body to the end, reporting bytes as they arrive. */
export async function readWithProgress(response: Response, onBytes: (loaded: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onBytes(loaded);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Resolves once `drawn` has settled and the browser has painted after it, or after
 * `capMilliseconds`, whichever is first. The cap matters: a hidden tab runs no animation frames, and a
 * stalled first-paint file must not hold anything back for long.
 */
export function afterPaint(drawn: Promise<unknown>, capMilliseconds: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, capMilliseconds);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    // React renders the rows in a task of its own, before the first or the second frame; a frame's
    // callbacks run before its paint, so the timeout after the second frame runs once they are on screen.
    const twoFrames = () => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0)));
    drawn.then(twoFrames, twoFrames);
  });
}
