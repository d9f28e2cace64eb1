import {
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  status,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { CloudRun } from "./cloud-run.js";
import { Dataproc } from "./dataproc.js";
import { Operations } from "./operations.js";
import { SERVICES, serviceDefinitions } from "./protos.js";
import { type Outcome, RestGateway } from "./rest.js";
import { FakeError, type Handlers } from "./rpc.js";

/** One call as the fake received it: `google.cloud.run.v2.Jobs/RunJob` and the request. */
export interface Recorded {
  readonly method: string;
  readonly request: Record<string, unknown>;
  /** The call's gRPC metadata (headers such as authorization or x-goog-request-params). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Decides a job's fate: a failure message makes it fail, undefined lets it succeed. */
export type FailWhen = (call: Recorded) => string | undefined;

export interface FakeGoogleOptions {
  /**
   * How many status checks (GetOperation, GetExecution, GetCluster, GetJob) answer "still
   * running" before an execution, a cluster or a job reaches its final state. Default 0: the
   * first check after the start sees the end (the start's own answer is always "running").
   */
  checksBeforeDone?: number;
}

/**
 * A local stand-in for Google's Cloud Run v2 and Dataproc v1 gRPC APIs on 127.0.0.1 (a free
 * port): what README.md in this folder describes. Every call is recorded, known or not.
 */
export class FakeGoogle {
  readonly calls: Recorded[] = [];
  checksBeforeDone: number;
  private failWhen: FailWhen[] = [];
  private server: Server | undefined;
  private rest: RestGateway | undefined;
  port = 0;
  readonly cloudRun: CloudRun;
  readonly dataproc: Dataproc;

  constructor(options: FakeGoogleOptions = {}) {
    this.checksBeforeDone = options.checksBeforeDone ?? 0;
    const operations = new Operations();
    const checks = () => this.checksBeforeDone;
    const failureOf = (method: string, request: unknown) => {
      const call = { method, request: request as Record<string, unknown> };
      for (const rule of this.failWhen) {
        const message = rule(call);
        if (message !== undefined) return message;
      }
      return undefined;
    };
    this.cloudRun = new CloudRun(operations, checks, failureOf);
    this.dataproc = new Dataproc(operations, checks, failureOf);
    this.handlers = {
      [SERVICES.jobs]: this.cloudRun.jobs(),
      [SERVICES.executions]: this.cloudRun.executionsService(),
      [SERVICES.clusters]: this.dataproc.clusterController(),
      [SERVICES.dataprocJobs]: this.dataproc.jobController(),
      [SERVICES.operations]: operations.handlers(),
    };
  }
  private readonly handlers: Record<string, Handlers>;

  /** host:port, for a client's endpoint. */
  get endpoint(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** http://127.0.0.1:PORT, the same fake for the clients' REST transport. */
  get restUrl(): string {
    return `http://127.0.0.1:${this.rest?.port ?? 0}`;
  }

  /**
   * Test knob: executions (RunJob) and Spark jobs (SubmitJob, SubmitJobAsOperation) for which
   * `rule` returns a message fail with it. The call given is the start's method name without
   * its service ("RunJob" or "SubmitJob") and its request.
   */
  failWhenever(rule: FailWhen): void {
    this.failWhen.push(rule);
  }

  /** The recorded requests of one method (`RunJob`, `SubmitJob`, … or the full path). */
  requestsOf(method: string): Record<string, unknown>[] {
    return this.calls
      .filter((c) => c.method === method || c.method.endsWith(`/${method}`))
      .map((c) => c.request);
  }

  async start(): Promise<this> {
    const server = new Server();
    const definitions = serviceDefinitions();
    for (const [key, name] of Object.entries(SERVICES)) {
      const definition = definitions[key as keyof typeof SERVICES];
      server.addService(definition, this.implement(name, definition));
    }
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    this.server = server;
    const byName = Object.fromEntries(
      Object.entries(SERVICES).map(([key, name]) => [
        name,
        definitions[key as keyof typeof SERVICES],
      ]),
    );
    this.rest = new RestGateway(byName, (service, method, request, metadata) =>
      this.dispatch(service, method, request, metadata),
    );
    await this.rest.start();
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await this.rest?.stop();
    this.rest = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server.forceShutdown();
  }

  /** One call of either transport: recorded, then answered (UNIMPLEMENTED where the fake has none). */
  private dispatch(
    service: string,
    method: string,
    request: Record<string, unknown>,
    metadata: Record<string, string>,
  ): Outcome {
    this.calls.push({
      method: `${service}/${method}`,
      request: JSON.parse(JSON.stringify(request)) as Record<string, unknown>,
      metadata,
    });
    const handler = this.handlers[service]?.[method];
    if (!handler)
      return {
        error: { code: status.UNIMPLEMENTED, message: `the fake has no ${service}/${method}` },
      };
    try {
      return { ok: handler(request) };
    } catch (e) {
      if (e instanceof FakeError) return { error: { code: e.code, message: e.message } };
      return { error: { code: status.INTERNAL, message: `fake-google bug: ${String(e)}` } };
    }
  }

  /** Every method of the service over gRPC. */
  private implement(service: string, definition: ServiceDefinition): UntypedServiceImplementation {
    const implementation: UntypedServiceImplementation = {};
    for (const method of Object.keys(definition)) {
      const call: handleUnaryCall<object, object> = (call, callback) => {
        const metadata = Object.fromEntries(
          Object.entries(call.metadata.getMap()).map(([k, v]) => [k, String(v)]),
        );
        const request = (call.request ?? {}) as Record<string, unknown>;
        const outcome = this.dispatch(service, method, request, metadata);
        if ("ok" in outcome) callback(null, outcome.ok);
        else callback({ code: outcome.error.code, details: outcome.error.message });
      };
      implementation[method] = call;
    }
    return implementation;
  }
}

/** Starts a fake on a free port of 127.0.0.1 (stop it in afterAll). */
export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  return new FakeGoogle(options).start();
}
