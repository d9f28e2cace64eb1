import type { PreloadGate, PreloadStrategy } from "../pipeline/pipeline.js";
import type { OptionValue } from "../starlake/options.js";

/**
 * Whether a domain's pre-load check pokes, and how. Sensor mode (`pre_load_sensor`) is the user's
 * explicit choice and wins. Otherwise the ACK strategy waits for its ack file up to
 * `ack_wait_timeout` seconds and then skips the loads: the Python library passes that value as a
 * retry delay of a check that never fails, so it never waits at all (spec §2.5, §5.2); waiting is
 * what the option says and what its legacy sensor did (§5.4). `ack_wait_timeout: 0` decides once.
 */
export function preloadSensor(
  strategy: PreloadStrategy,
  options: Readonly<Record<string, OptionValue>>,
): PreloadGate["sensor"] | undefined {
  const pokeInterval = options.pre_load_poke_interval as number;
  if (options.pre_load_sensor === true)
    return {
      pokeInterval,
      timeout: options.pre_load_timeout as number,
      softFail: options.pre_load_sensor_soft_fail as boolean,
    };
  const wait = options.ack_wait_timeout as number;
  if (strategy !== "ack" || wait <= 0) return undefined;
  return { pokeInterval: Math.min(pokeInterval, wait), timeout: wait, softFail: true };
}
