import type { Command } from "commander";
import { ConfigError } from "../errors.js";
import { connect, loadProfile, profilesPath, type RemoteClient } from "../remote/profiles.js";

export interface RemoteFlags {
  profile?: string;
  profiles?: string;
  json?: boolean;
  poll: string;
}

/** The options every remote verb shares. */
export function withRemoteOptions(command: Command): Command {
  return command
    .option(
      "--profile <name>",
      "connection profile (default: SLO_PROFILE, else the file's default)",
    )
    .option(
      "--profiles <file>",
      "profiles file (default: SLO_PROFILES, else ./slo-profiles.yml, else ~/.config/slo/profiles.yml)",
    )
    .option("--poll <seconds>", "seconds between status checks while following runs", "2")
    .option("--json", "print the result as JSON");
}

/** The client of the chosen profile; `fromFile` is a profile named inside a backfill file. */
export function remoteClient(flags: RemoteFlags, fromFile?: string): RemoteClient {
  const file = profilesPath(flags.profiles);
  return connect(loadProfile(file, flags.profile ?? fromFile), file);
}

export function pollMs(flags: RemoteFlags): number {
  const seconds = Number(flags.poll);
  // Above a day, Node's timers overflow and fire at once: the poll would spin.
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400)
    throw new ConfigError(
      `--poll: expected a positive number of seconds, at most 86400, found ${flags.poll}`,
    );
  return seconds * 1000;
}

/** An ISO instant from --date; a date or time without a zone is UTC. */
export function instantOf(date: string): string {
  const withZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(date)
    ? date
    : /^\d{4}-\d{2}-\d{2}$/.test(date)
      ? `${date}T00:00:00Z`
      : `${date}Z`;
  const ms = Date.parse(withZone);
  if (Number.isNaN(ms))
    throw new ConfigError(`--date: expected an ISO date or date-time, found ${date}`);
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

/** A JSON object from --conf. */
export function confOf(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`--conf: not JSON: ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError("--conf: expected a JSON object");
  return value as Record<string, unknown>;
}
