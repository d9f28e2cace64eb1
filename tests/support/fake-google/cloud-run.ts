import { randomBytes, randomUUID } from "node:crypto";
import { status } from "@grpc/grpc-js";
import { check, newWork, type Operations, type Work } from "./operations.js";
import { packAny } from "./protos.js";
import { FakeError, type Handlers, lastSegment, timestamp } from "./rpc.js";

/** How a request's fate is decided: a failure message, or undefined for success. */
export type FailureOf = (rpc: string, request: unknown) => string | undefined;

const JOB_NAME = /^projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+$/;
const EXECUTION_NAME = /^(projects\/[^/]+\/locations\/[^/]+\/jobs\/[^/]+)\/executions\/[^/]+$/;

interface Execution {
  message: Record<string, unknown>;
  work: Work;
}

/**
 * Cloud Run v2 jobs: every job exists (the fake holds no job definitions); RunJob starts one
 * execution of one task, which succeeds or fails (per the test's knob) after the configured
 * number of status checks. A failed execution ends its operation with an error, as Cloud Run's
 * does, and counts the task as failed.
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
    };
  }

  private run(req: { name?: string }) {
    const name = req.name ?? "";
    if (!JOB_NAME.test(name))
      throw new FakeError(status.INVALID_ARGUMENT, `RunJob: bad job name "${name}"`);
    const job = lastSegment(name);
    const executionName = `${name}/executions/${job}-${randomBytes(3).toString("hex").slice(0, 5)}`;
    const failure = this.failureOf("RunJob", req);
    const message: Record<string, unknown> = {
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
    };
    const work = newWork(this.checks(), () => {
      Object.assign(message, {
        completionTime: timestamp(),
        runningCount: 0,
        reconciling: false,
        ...(failure === undefined ? { succeededCount: 1 } : { failedCount: 1 }),
        conditions: [
          {
            type: "Completed",
            state: failure === undefined ? "CONDITION_SUCCEEDED" : "CONDITION_FAILED",
            ...(failure === undefined ? {} : { message: failure }),
          },
        ],
      });
    });
    this.executions.set(executionName, { message, work });
    this.lastExecution.set(name, executionName);
    const parent = EXECUTION_NAME.exec(executionName)?.[1]?.replace(/\/jobs\/[^/]+$/, "") ?? "";
    return this.operations.start(parent, work, (done) => ({
      metadata: packAny("google.cloud.run.v2.Execution", message),
      ...(!done
        ? {}
        : failure === undefined
          ? { response: packAny("google.cloud.run.v2.Execution", message) }
          : {
              error: {
                code: status.ABORTED,
                message: `Execution ${executionName} failed: ${failure}`,
              },
            }),
    }));
  }
}

const uidOf = (name: string) =>
  `00000000-0000-4000-8000-${Buffer.from(name).toString("hex").padEnd(12, "0").slice(0, 12)}`;
