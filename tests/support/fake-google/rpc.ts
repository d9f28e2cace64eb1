import type { status } from "@grpc/grpc-js";

/** A gRPC error the fake answers with (a status code and its message). */
export class FakeError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }
}

/** A method's answer from its request (plain objects, as proto-loader gives and takes them). */
// biome-ignore lint/suspicious/noExplicitAny: requests are whatever the client sent, checked by each handler
export type Handler = (request: any) => object;
export type Handlers = Record<string, Handler>;

/** The fake's timestamps, which its REST answers write as RFC 3339 text. */
export const TIMESTAMPS = new WeakSet<object>();

/** A protobuf Timestamp of the fake's clock. */
export function timestamp(at: Date = new Date()): { seconds: string; nanos: number } {
  const ms = at.getTime();
  const ts = { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
  TIMESTAMPS.add(ts);
  return ts;
}

/** The last segment of a resource name (projects/p/locations/l/jobs/j → j). */
export const lastSegment = (name: string): string => name.slice(name.lastIndexOf("/") + 1);

/** Throws INVALID_ARGUMENT unless `value` is a non-empty string. */
export function required(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") throw new FakeError(3, `${field} is required`);
  return value;
}
