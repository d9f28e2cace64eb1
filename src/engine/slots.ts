/**
 * Concurrency limits shared by every run of one engine: a global cap on running tasks and, per
 * pool, its number of slots. A pool that is not configured is only bound by the global cap.
 */
export class Slots {
  private running = 0;
  private readonly used = new Map<string, number>();
  /** The highest number of tasks that ran at once, overall and per pool (tests read it). */
  readonly peak = { all: 0, pools: new Map<string, number>() };

  constructor(
    readonly concurrency: number,
    readonly pools: ReadonlyMap<string, number> = new Map(),
  ) {}

  /** Whether the global cap is reached. */
  full(): boolean {
    return this.running >= this.concurrency;
  }

  /**
   * A slot for a task of `pool`, if one is free. `declared`: the pools its pipeline declares (one
   * writer per DuckDB file) with their slots; a `--pool` the engine was started with wins.
   */
  tryTake(pool: string | undefined, declared: Readonly<Record<string, number>> = {}): boolean {
    if (this.running >= this.concurrency) return false;
    const limit = pool === undefined ? undefined : (this.pools.get(pool) ?? declared[pool]);
    const inPool = pool === undefined ? 0 : (this.used.get(pool) ?? 0);
    if (limit !== undefined && inPool >= limit) return false;
    this.running++;
    this.peak.all = Math.max(this.peak.all, this.running);
    if (pool !== undefined) {
      this.used.set(pool, inPool + 1);
      this.peak.pools.set(pool, Math.max(this.peak.pools.get(pool) ?? 0, inPool + 1));
    }
    return true;
  }

  /** Takes a slot even beyond the limits: an attempt adopted after a crash is already running. */
  force(pool: string | undefined): void {
    this.running++;
    if (pool !== undefined) this.used.set(pool, (this.used.get(pool) ?? 0) + 1);
  }

  release(pool: string | undefined): void {
    this.running--;
    if (pool !== undefined) this.used.set(pool, (this.used.get(pool) ?? 1) - 1);
    for (const listener of [...this.listeners]) listener();
  }

  private readonly listeners = new Set<() => void>();

  /** Calls `listener` whenever a slot frees (runs waiting for one wake up). */
  onRelease(listener: () => void): void {
    this.listeners.add(listener);
  }

  offRelease(listener: () => void): void {
    this.listeners.delete(listener);
  }
}
