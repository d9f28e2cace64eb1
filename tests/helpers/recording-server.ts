import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A request as a test server saw it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/**
 * An HTTP server on 127.0.0.1 that records every request (headers and body) and answers with
 * the handler of the moment. Tests play a remote orchestrator with it, or the "other origin" a
 * redirect points to, which must never see a credential.
 */
export class RecordingServer {
  readonly seen: Seen[] = [];
  handler: Handler = (_q, _b, res) => res.writeHead(404).end();
  private server: Server | undefined;
  url = "";
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        this.seen.push({
          method: req.method ?? "",
          url: req.url ?? "",
          headers: req.headers,
          body,
        });
        try {
          this.handler(req, body, res);
        } catch (e) {
          res.writeHead(599).end(String(e));
        }
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    this.port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

export const json =
  (status: number, value: unknown, headers: Record<string, string> = {}): Handler =>
  (_q, _b, res) =>
    res
      .writeHead(status, { "content-type": "application/json", ...headers })
      .end(JSON.stringify(value));

/** Every credential-looking thing a request carried: headers and the login body's password. */
export function credentialsIn(s: Seen, secrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const name of ["authorization", "dagster-cloud-api-token", "cookie"])
    if (s.headers[name] !== undefined) found.push(`header ${name}`);
  const everything = JSON.stringify(s.headers) + s.body + s.url;
  for (const secret of secrets) if (everything.includes(secret)) found.push(`secret ${secret}`);
  return found;
}

/**
 * Characters a terminal acts on (C0 but newline, DEL, C1, bidi controls, line separators),
 * written without a regex of control characters, so the check does not share the code it checks.
 */
export function unsafeChars(text: string): string[] {
  const bidi = [0x61c, 0x200e, 0x200f, 0x2028, 0x2029];
  return [...text].filter((c) => {
    const n = c.codePointAt(0) ?? 0;
    return (
      (n < 0x20 && n !== 0x0a) ||
      (n >= 0x7f && n <= 0x9f) ||
      bidi.includes(n) ||
      (n >= 0x202a && n <= 0x202e) ||
      (n >= 0x2066 && n <= 0x2069)
    );
  });
}
