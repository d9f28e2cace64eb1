import { randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { FakeError, type Handlers } from "./rpc.js";

/** A google.longrunning.Operation as the fake serialises it (Any fields in packAny's form). */
export interface OperationMessage {
  name: string;
  done: boolean;
  metadata?: Record<string, unknown>;
  response?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/**
 * Something that takes time in the cloud (an execution, a cluster, a Spark job): it stays
 * running for `checksLeft` more status checks (of its operation or of the resource itself),
 * then `finish` moves it to its final state. Counting checks, not time, keeps the fake's runs
 * deterministic.
 */
export interface Work {
  checksLeft: number;
  finish(): void;
  finished: boolean;
}

export function newWork(checks: number, finish: () => void): Work {
  const work: Work = {
    checksLeft: checks,
    finished: false,
    finish: () => {
      if (work.finished) return;
      work.finished = true;
      finish();
    },
  };
  return work;
}

/** One status check of a piece of work: finishes it once its checks are used up. */
export function check(work: Work): void {
  if (work.finished) return;
  if (work.checksLeft <= 0) work.finish();
  else work.checksLeft -= 1;
}

interface Tracked {
  work: Work;
  /** The operation as it reads now (recomputed on each read: metadata may change). */
  read(): OperationMessage;
}

/** The long-running operations of every service, answered by google.longrunning.Operations. */
export class Operations {
  private readonly tracked = new Map<string, Tracked>();

  /** Starts an operation under `parent` (projects/P/locations/L or projects/P/regions/R). */
  start(
    parent: string,
    work: Work,
    read: (done: boolean) => Omit<OperationMessage, "name" | "done">,
  ) {
    const name = `${parent}/operations/${randomUUID()}`;
    this.tracked.set(name, {
      work,
      read: () => ({ name, done: work.finished, ...read(work.finished) }),
    });
    return this.get(name, false);
  }

  /** The operation now; a poll counts as one status check of its work. */
  get(name: string, poll = true): OperationMessage {
    const op = this.tracked.get(name);
    if (!op) throw new FakeError(status.NOT_FOUND, `Operation ${name} not found`);
    if (poll) check(op.work);
    return op.read();
  }

  handlers(): Handlers {
    return {
      GetOperation: (req: { name?: string }) => this.get(req.name ?? ""),
      // WaitOperation: the fake's work only advances by checks, so a wait is one check
      WaitOperation: (req: { name?: string }) => this.get(req.name ?? ""),
      ListOperations: (req: { name?: string }) => ({
        operations: [...this.tracked.keys()]
          .filter((n) => n.startsWith(`${req.name ?? ""}/`))
          .map((n) => this.get(n, false)),
      }),
      DeleteOperation: (req: { name?: string }) => {
        this.get(req.name ?? "", false);
        this.tracked.delete(req.name ?? "");
        return {};
      },
    };
  }
}
