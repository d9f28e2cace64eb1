import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where slo keeps what it remembers between runs (parsed YAML, SQL references, Node's compiled
 * code of slo itself): `$SLO_CACHE_DIR`, else `$XDG_CACHE_HOME/slo`, else `~/.cache/slo`.
 */
export function defaultCacheFolder(env: Readonly<Record<string, string | undefined>>): string {
  if (env.SLO_CACHE_DIR) return env.SLO_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "slo");
}
