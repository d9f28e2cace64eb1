/** A seeded random source for property tests: the same seed gives the same cases. */
export type Rng = () => number;

/** mulberry32: small, fast, and good enough to pick test cases. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(rng: Rng, items: readonly T[]): T =>
  items[Math.floor(rng() * items.length)] as T;

export const bytes = (rng: Rng, n: number): Buffer =>
  Buffer.from(Array.from({ length: n }, () => Math.floor(rng() * 256)));
