import { Attributes, context, Context, propagation, Span, SpanKind, SpanStatusCode, trace, Tracer } from '@opentelemetry/api';
import type { AttemptResult } from '../call/attempt-result';
import type { CallSpec } from '../call/call-spec';
import { RequestContext } from '../context/request-context';
import type { ServiceInstance } from '../interfaces/service-instance.interface';
import type { CallProtocol } from '../metrics/call-outcome';
import { ATTR, EVENT, rpcAttributes, rpcName } from './span-attributes';
import { discoveryTracer } from './tracer';

/** The propagation fields one attempt sends (`traceparent`, `tracestate`, what the app's propagator writes). */
export type TraceHeaders = Record<string, string>;

/** What a finished call reports on its span. */
interface CallEnd {
  readonly instance: ServiceInstance;
  readonly attempts: number;
}

/**
 * The spans of one client kind's calls, the only place the call pipeline meets OpenTelemetry: a span per
 * logical call (INTERNAL: it spans every attempt, the retry, budget and hedge decisions are its events) and
 * one per attempt (CLIENT: the request on the wire, whose context each attempt sends as `traceparent`, so the
 * callee's server span is its child). Exists only while an SDK is registered ({@link CallTracing.create}):
 * without one the pipeline holds `undefined` and pays one field check per call. @internal
 */
export class CallTracing {
  /** The tracing of `protocol`'s calls, or undefined when no tracer provider is registered. */
  static create(protocol: CallProtocol): CallTracing | undefined {
    const tracer = discoveryTracer();
    return tracer === undefined ? undefined : new CallTracing(tracer, protocol);
  }

  private constructor(
    private readonly tracer: Tracer,
    private readonly protocol: CallProtocol,
  ) {}

  /** A call starts, a child of whatever span is current (the app's server span, a job's span), else a root. */
  start(spec: CallSpec): CallTrace {
    const parent = context.active();
    const operation = operationOf(spec, this.protocol);
    const attributes: Attributes = { [ATTR.service]: spec.service, [ATTR.protocol]: this.protocol, [ATTR.operation]: operation };
    const requestId = RequestContext.requestId();
    if (requestId !== undefined) attributes[ATTR.requestId] = requestId;
    const span = this.tracer.startSpan(`${spec.service} ${operation}`, { kind: SpanKind.INTERNAL, attributes }, parent);
    return new CallTrace(this.tracer, this.protocol, operation, span, trace.setSpan(parent, span), attributes);
  }
}

/** One call's span, and the factory of its attempts' spans. @internal */
export class CallTrace {
  constructor(
    private readonly tracer: Tracer,
    private readonly protocol: CallProtocol,
    private readonly operation: string,
    private readonly span: Span,
    private readonly context: Context,
    private readonly callAttributes: Attributes,
  ) {}

  /** An attempt on `instance` starts (`attempt` 0 is the first, a retry or a hedge counts up). */
  attempt(instance: ServiceInstance, attempt: number, hedge: boolean): AttemptTrace {
    const attributes: Attributes = {
      ...this.callAttributes,
      [ATTR.instanceId]: instance.id,
      [ATTR.serverAddress]: instance.host,
      [ATTR.serverPort]: instance.port,
      [ATTR.attempt]: attempt,
    };
    if (hedge) attributes[ATTR.hedge] = true;
    if (this.protocol === 'grpc') Object.assign(attributes, rpcAttributes(this.operation));
    else attributes[ATTR.httpMethod] = this.operation;
    const span = this.tracer.startSpan(this.operation, { kind: SpanKind.CLIENT, attributes }, this.context);
    const headers: TraceHeaders = {};
    propagation.inject(trace.setSpan(this.context, span), headers);
    return new AttemptTrace(span, headers, this.protocol);
  }

  /** A decision of the call's: a retry, a wait for an instance, a retry the budget refused, a hedge. */
  event(name: (typeof EVENT)[keyof typeof EVENT], attempt: number): void {
    this.span.addEvent(name, { [ATTR.attempt]: attempt });
  }

  /** Ends the span with the call: OK with who answered and after how many attempts, or ERROR with the error. */
  end<R extends CallEnd>(call: Promise<R>): Promise<R> {
    return call.then(
      (result) => {
        this.span.setAttributes({ [ATTR.instanceId]: result.instance.id, [ATTR.attempts]: result.attempts });
        this.span.end();
        return result;
      },
      (error: unknown) => {
        failSpan(this.span, error);
        this.span.end();
        throw error;
      },
    );
  }
}

/** One attempt's span: ended once the attempt is accounted for (a streamed answer: once its body is done). @internal */
export class AttemptTrace {
  constructor(
    private readonly span: Span,
    /** What the attempt sends to carry its context on. */
    readonly headers: TraceHeaders,
    private readonly protocol: CallProtocol,
  ) {}

  /** The attempt's instance was ejected because of it. */
  ejected(): void {
    this.span.addEvent(EVENT.ejected);
  }

  end(result: AttemptResult<unknown>): void {
    const span = this.span;
    span.setAttribute(ATTR.outcome, result.outcome);
    const status = result.status ?? statusOf(result.error);
    if (status !== undefined) span.setAttribute(this.protocol === 'grpc' ? ATTR.grpcStatus : ATTR.httpStatus, status);
    if (result.outcome !== 'success') {
      if (result.error === undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome });
      else failSpan(span, result.error);
    }
    span.end();
  }
}

/** `spec`'s operation as spans name it: the HTTP method, or the gRPC method's `package.Service/Method`. */
function operationOf(spec: CallSpec, protocol: CallProtocol): string {
  return rpcName(spec.operation ?? protocol);
}

/** A failed attempt's answer status: what `RemoteHttpError` and `RemoteGrpcError` carry. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

function failSpan(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}
