/**
 * A listing the server hands out page by page ends when the server says so: one that never says
 * so (every page full, the same cursor again, the same items again) would keep `slo backfill`
 * asking forever. These bounds stop it with a line that says why.
 */

/** Pages read for one listing. */
export const MAX_PAGES = 1000;
/** Items kept from one listing: more than any backfill slo drives. */
export const MAX_LISTED = 100_000;

export class PageGuard<T> {
  private readonly ids = new Set<string>();
  private readonly cursors = new Set<string>();
  private pages = 0;

  constructor(
    private readonly what: string,
    private readonly idOf: (item: T) => string,
    private readonly fail: (words: string) => Error,
  ) {}

  /**
   * Counts one page and returns its items not seen before; throws when the page brings nothing
   * new, when the next cursor was given before, or past the bounds.
   */
  page(items: readonly T[], nextCursor?: string): T[] {
    this.pages++;
    const fresh = items.filter((item) => !this.ids.has(this.idOf(item)));
    for (const item of fresh) this.ids.add(this.idOf(item));
    if (items.length > 0 && fresh.length === 0)
      throw this.fail(
        `${this.what}: a page lists only items of earlier pages: its paging does not advance`,
      );
    if (nextCursor !== undefined) {
      if (this.cursors.has(nextCursor))
        throw this.fail(`${this.what}: the page cursor came back: its paging does not advance`);
      this.cursors.add(nextCursor);
    }
    if (this.pages > MAX_PAGES || this.ids.size > MAX_LISTED)
      throw this.fail(
        `${this.what}: more than ${this.pages > MAX_PAGES ? `${MAX_PAGES} pages` : `${MAX_LISTED} items`}: stopped (a listing that never ends?)`,
      );
    return fresh;
  }
}
