/** Edit distance with an early exit: enough to suggest `retries` for `retrys`. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(
        up + 1,
        (prev[j - 1] as number) + 1,
        diag + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/** The known word a probable typo was meant to be, or undefined when nothing is close. */
export function closest(word: string, known: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    if (k === word) return undefined;
    const d = k.toLowerCase() === lower ? 0 : editDistance(lower, k.toLowerCase());
    const limit = Math.min(2, Math.floor(k.length / 3));
    if (d <= limit && (best === undefined || d < best.d || (d === best.d && k < best.k)))
      best = { k, d };
  }
  return best?.k;
}
