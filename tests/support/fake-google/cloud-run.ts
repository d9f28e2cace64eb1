import { randomBytes, randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { check, newWork, type Operations, type Work } from "./operations.js";
import { packAny } from "./protos.js";
import { FakeError, type Handlers, lastSegment, timestamp } from "./rpc.js";

/** How a request's fate is decided: a failure message, or undefined for success. */
export type FailureOf = (rpc: string, request: unknown) => string | undefined;

const JOB_NAME = /^projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+$/;

interface Execution {
  outcome: Outcome;
  message: Record<string, unknown>;
  work: Work;
}

/**
 * Cloud Run v2 jobs: every job exists (the fake holds no job definitions); RunJob starts one
 * execution of one task, which succeeds or fails (per the test's knob) after the configured
 * number of status checks. A failed execution ends its operation with an error, as Cloud Run's
 * does, and counts the task as failed; CancelExecution ends a running one at once, cancelled.
 */
export class CloudRun {
  private readonly executions = new Map<string, Execution>();
  private readonly lastExecution = new Map<string, string>();

  constructor(
    private readonly operations: Operations,
    private readonly checks: () => number,
    private readonly failureOf: FailureOf,
  ) {}

  jobs(): Handlers {
    return {
      RunJob: (req: { name?: string }) => this.run(req),
      GetJob: (req: { name?: string }) => {
        const name = req.name ?? "";
        if (!JOB_NAME.test(name))
          throw new FakeError(status.INVALID_ARGUMENT, `bad job name ${name}`);
        const latest = this.lastExecution.get(name);
        return {
          name,
          uid: uidOf(name),
          generation: "1",
          ...(latest ? { latestCreatedExecution: { name: latest } } : {}),
        };
      },
    };
  }

  executionsService(): Handlers {
    return {
      GetExecution: (req: { name?: string }) => {
        const execution = this.executions.get(req.name ?? "");
        if (!execution) throw new FakeError(status.NOT_FOUND, `Execution ${req.name} not found`);
        check(execution.work);
        return execution.message;
      },
      CancelExecution: (req: { name?: string }) => this.cancel(req),
    };
  }

  private run(req: { name?: string }) {
    const name = req.name ?? "";
    if (!JOB_NAME.test(name))
      throw new FakeError(status.INVALID_ARGUMENT, `RunJob: bad job name "${name}"`);
    const job = lastSegment(name);
    const executionName = `${name}/executions/${job}-${randomBytes(3).toString("hex").slice(0, 5)}`;
    const failure = this.failureOf("RunJob", req);
    const execution: Execution = {
      outcome: failure === undefined ? { kind: "succeeded" } : { kind: "failed", message: failure },
      message: {
        name: executionName,
        uid: randomUUID(),
        job,
        createTime: timestamp(),
        startTime: timestamp(),
        taskCount: 1,
        parallelism: 1,
        runningCount: 1,
        logUri: `https://console.cloud.google.com/run/jobs/executions/details/${executionName}`,
        reconciling: true,
      },
      work: newWork(this.checks(), () => complete(execution)),
    };
    this.executions.set(executionName, execution);
    this.lastExecution.set(name, executionName);
    // operations live beside the jobs: projects/P/locations/L/operations/…
    return this.operations.start(name.replace(/\/jobs\/[^/]+$/, ""), execution.work, () =>
      operationOf(execution),
    );
  }

  /** Cancels a running execution: it ends at once, its task counted as cancelled. */
  private cancel(req: { name?: string }) {
    const execution = this.executions.get(req.name ?? "");
    if (!execution) throw new FakeError(status.NOT_FOUND, `Execution ${req.name} not found`);
    if (execution.work.finished)
      throw new FakeError(
        status.FAILED_PRECONDITION,
        `Execution ${req.name} has already completed`,
      );
    execution.outcome = { kind: "cancelled" };
    execution.work.finish();
    const parent = (req.name ?? "").replace(/\/jobs\/.*$/, "");
    // the cancel's own operation is done, with the cancelled execution as its response
    return this.operations.start(parent, execution.work, () => ({
      metadata: packAny(EXECUTION, execution.message),
      response: packAny(EXECUTION, execution.message),
    }));
  }
}

type Outcome = { kind: "succeeded" } | { kind: "failed"; message: string } | { kind: "cancelled" };

/** The execution's final fields, per its outcome. */
function complete(execution: Execution): void {
  const { outcome } = execution;
  Object.assign(execution.message, {
    completionTime: timestamp(),
    runningCount: 0,
    reconciling: false,
    ...(outcome.kind === "succeeded"
      ? { succeededCount: 1 }
      : outcome.kind === "failed"
        ? { failedCount: 1 }
        : { cancelledCount: 1 }),
    conditions: [
      {
        type: "Completed",
        state: outcome.kind === "succeeded" ? "CONDITION_SUCCEEDED" : "CONDITION_FAILED",
        ...(outcome.kind === "failed" ? { message: outcome.message } : {}),
        ...(outcome.kind === "cancelled"
          ? { message: "The execution was cancelled", executionReason: "CANCELLED" }
          : {}),
      },
    ],
  });
}

/** RunJob's operation: the execution as metadata; when done, it as response, or an error. */
function operationOf(execution: Execution) {
  const name = execution.message.name as string;
  const { outcome } = execution;
  const done = execution.work.finished;
  return {
    metadata: packAny(EXECUTION, execution.message),
    ...(!done
      ? {}
      : outcome.kind === "succeeded"
        ? { response: packAny(EXECUTION, execution.message) }
        : {
            error:
              outcome.kind === "failed"
                ? { code: status.ABORTED, message: `Execution ${name} failed: ${outcome.message}` }
                : { code: status.CANCELLED, message: `Execution ${name} was cancelled` },
          }),
  };
}

const EXECUTION = "google.cloud.run.v2.Execution";

const uidOf = (name: string) =>
  `00000000-0000-4000-8000-${Buffer.from(name).toString("hex").padEnd(12, "0").slice(0, 12)}`;
