import { RemoteError } from "../errors.js";
import { printable } from "../pipeline/printable.js";

/** Where a client talks to, and how patiently. Secrets only travel in `headers`. */
export interface Endpoint {
  /** What the server is, for messages: "dagster", "airflow". */
  readonly kind: string;
  /** Base URL without credentials, e.g. http://127.0.0.1:3000. */
  readonly baseUrl: string;
  /** Time limit of one request, from sending it to the last byte of its answer. */
  readonly timeoutMs: number;
  /** Further tries after a transient failure. */
  readonly retries: number;
  /** First back-off delay; doubled on every try. */
  readonly backoffMs: number;
  /** Strings that must never appear in anything we print (tokens, passwords). */
  readonly secrets: readonly string[];
  /** Largest answer read (default MAX_ANSWER_BYTES). */
  readonly maxAnswerBytes?: number;
}

export interface HttpRequest {
  readonly method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Path under the base URL, with its query. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  /**
   * Whether sending it twice is harmless. A request that may have reached the server is only
   * retried when it is idempotent: launching a run twice would run the work twice.
   */
  readonly idempotent: boolean;
}

export interface HttpResponse {
  /** What was asked, for messages: `GET /api/v2/dags/x`. */
  readonly request: string;
  readonly status: number;
  /** The parsed JSON, or undefined when the answer is empty or not JSON. */
  readonly body: unknown;
  /** The raw text, for messages when the body is not JSON. */
  readonly text: string;
}

/**
 * Largest answer read. Our largest legitimate answers (a page of 500 Dagster runs with their
 * tags, 1000 Airflow task instances) are a few hundred kB; a bigger one is cut off as it streams
 * in, so a server cannot fill our memory (a 700 MB answer once took 2 GB).
 */
export const MAX_ANSWER_BYTES = 8 * 1024 * 1024;
/** Redirects within the server's origin followed for one request (more is a loop). */
export const MAX_REDIRECTS = 5;

/** Statuses that say the server did not do the work and may do it later. */
const NOT_PROCESSED = new Set([429, 503]);
/** Statuses worth another try for idempotent requests. */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Sends one request with a time limit, retrying transient failures with exponential back-off.
 * Resolves with any HTTP answer the caller must judge (4xx, and 5xx once tries are spent are
 * still answers); rejects with a one-line RemoteError when the server cannot be reached, sends
 * us elsewhere, or answers more than we read.
 */
export async function send(endpoint: Endpoint, request: HttpRequest): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= endpoint.retries;
    let answer: Answer;
    try {
      answer = await exchange(endpoint, request);
    } catch (e) {
      // Our own verdicts (a redirect elsewhere, an answer too large) would be the same again.
      if (e instanceof RemoteError) throw e;
      const failure = describeFailure(e, endpoint);
      if (!last && (failure.notSent || request.idempotent)) {
        await backoff(endpoint, attempt);
        continue;
      }
      throw serverError(endpoint, failure.words);
    }
    const retryable = request.idempotent
      ? TRANSIENT.has(answer.status)
      : NOT_PROCESSED.has(answer.status);
    if (retryable && !last) {
      await backoff(endpoint, attempt, answer.retryAfter);
      continue;
    }
    return {
      request: `${request.method} ${request.path}`,
      status: answer.status,
      body: parseJson(answer.text),
      text: answer.text,
    };
  }
}

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly text: string;
}

/**
 * One request and its answer, read whole within the time limit. Redirects are followed by hand,
 * and only within the configured origin: fetch would follow one to any host and resend our
 * headers there (the Dagster+ token, the Airflow bearer token) and the login body with the
 * password, so a server, or whoever can make it answer a 307, could collect them.
 */
async function exchange(endpoint: Endpoint, request: HttpRequest): Promise<Answer> {
  const origin = new URL(endpoint.baseUrl).origin;
  const where = `${request.method} ${request.path}`;
  let url = endpoint.baseUrl.replace(/\/+$/, "") + request.path;
  let method: string = request.method;
  let body = request.body === undefined ? undefined : JSON.stringify(request.body);
  // One signal for the whole exchange: a server sending its answer a byte at a time is cut off too.
  const signal = AbortSignal.timeout(endpoint.timeoutMs);
  for (let hop = 0; ; hop++) {
    const response = await fetch(url, {
      method,
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...request.headers,
      },
      body,
      redirect: "manual",
      signal,
    });
    const location = response.headers.get("location");
    if (!REDIRECTS.has(response.status) || location === null) {
      const text = await readCapped(response, endpoint, where);
      return { status: response.status, retryAfter: response.headers.get("retry-after"), text };
    }
    void response.body?.cancel().catch(() => undefined);
    let target: URL;
    try {
      target = new URL(location, url);
    } catch {
      throw serverError(endpoint, `${where}: redirected to an address that is not a URL`);
    }
    if (target.origin !== origin)
      throw serverError(
        endpoint,
        `${where}: redirected to another origin (${clip(target.href)}): not followed, credentials are only sent to ${origin}`,
      );
    if (hop >= MAX_REDIRECTS)
      throw serverError(endpoint, `${where}: more than ${MAX_REDIRECTS} redirects (a loop?)`);
    // As browsers do: 303, and 301/302 after a POST, turn the request into a GET without body.
    if (response.status === 303 || (response.status <= 302 && method === "POST")) {
      method = "GET";
      body = undefined;
    }
    url = target.href;
  }
}

/** The answer's text, refused as soon as it grows past the limit (before it fills memory). */
async function readCapped(response: Response, endpoint: Endpoint, where: string): Promise<string> {
  const limit = endpoint.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  const tooLarge = () =>
    serverError(
      endpoint,
      `${where}: the answer is larger than ${limit / 1024 / 1024} MB, more than any answer slo expects: not read`,
    );
  if (Number(response.headers.get("content-length")) > limit) {
    void response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface Failure {
  readonly words: string;
  /** True when the request surely never reached the server (safe to send again). */
  readonly notSent: boolean;
}

function describeFailure(e: unknown, endpoint: Endpoint): Failure {
  const error = e as { name?: string; cause?: { code?: string; message?: string } };
  if (error.name === "TimeoutError" || error.name === "AbortError")
    return { words: `no answer within ${endpoint.timeoutMs / 1000} s`, notSent: false };
  const code = error.cause?.code;
  if (code === "ECONNREFUSED")
    return { words: "connection refused (is the server running?)", notSent: true };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return { words: "host not found", notSent: true };
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET")
    return { words: "the connection was closed before an answer", notSent: false };
  return {
    words: firstLine(error.cause?.message ?? (e as Error)?.message ?? String(e)),
    notSent: false,
  };
}

async function backoff(endpoint: Endpoint, attempt: number, retryAfter?: string | null) {
  const asked = Number(retryAfter);
  const ms =
    Number.isFinite(asked) && asked > 0
      ? Math.min(asked * 1000, 30_000)
      : endpoint.backoffMs * 2 ** attempt;
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** One line about this server: its kind and URL first, secrets masked, nothing a terminal acts on. */
export function serverError(endpoint: Endpoint, words: string): RemoteError {
  return new RemoteError(
    printable(redact(`${endpoint.kind} at ${endpoint.baseUrl}: ${words}`, endpoint.secrets)),
  );
}

/** Replaces every secret in a text we are about to show. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // A secret of one to three characters would blank out ordinary words: such a secret is no
  // secret worth the name, and masking it would make every message unreadable.
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}

/** The first line of a server's error text, trimmed for a one-line message. */
export function firstLine(text: string, max = 300): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > max ? `${printable(line.slice(0, max))}…` : printable(line.trim());
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
