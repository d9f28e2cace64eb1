/** What a cloud attempt's code is given: its log (one progress line at a time) and its stop. */
export interface AttemptIO {
  log(line: string): void;
  /** Aborted when the attempt is asked to stop (SIGTERM: slo cancel, a timeout, the engine's end). */
  readonly stopped: AbortSignal;
}

/** The exit code of an attempt stopped on request, after it cancelled its cloud job (128 + SIGTERM). */
export const STOPPED_EXIT = 143;

/** Seconds between status checks of a sync wait, which has no interval of its own. */
export const SYNC_POLL_SECONDS = 5;

/** Status checks in a row that may fail (the network, throttling) before the attempt gives up. */
export const CHECK_FAILURES = 5;

/** Waits `seconds`, or less when the attempt is asked to stop. */
export function pause(seconds: number, stopped: AbortSignal): Promise<void> {
  if (stopped.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stopped.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, seconds * 1000);
    stopped.addEventListener("abort", done);
  });
}

/** A message of an error from a client, on one line. */
export function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+/g, " ").trim().slice(0, 2000);
}

/**
 * Polls `check` every `seconds` until it returns a result, or the attempt is asked to stop
 * (undefined). A check that throws is logged and tried again, CHECK_FAILURES times in a row at most.
 */
export async function pollUntil<T>(
  seconds: number,
  io: AttemptIO,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  let failures = 0;
  for (;;) {
    if (io.stopped.aborted) return undefined;
    try {
      const result = await check();
      if (result !== undefined) return result;
      failures = 0;
    } catch (e) {
      failures++;
      if (failures >= CHECK_FAILURES) throw e;
      io.log(`status check failed (${failures}/${CHECK_FAILURES}), trying again: ${messageOf(e)}`);
    }
    await pause(seconds, io.stopped);
  }
}
