import { context, Context, INVALID_SPANID, ROOT_CONTEXT, isSpanContextValid, Span, SpanContext, SpanKind, SpanStatusCode, trace, TraceFlags, Tracer } from '@opentelemetry/api';
import type { AttemptResult } from '../call/attempt-result';
import type { CallSpec } from '../call/call-spec';
import { RequestContext } from '../context/request-context';
import type { ServiceInstance } from '../interfaces/service-instance.interface';
import type { CallProtocol } from '../metrics/call-outcome';
import { ATTR, EVENT, rpcAttributes, rpcName } from './span-attributes';
import { TraceHeaders, traceHeadersOf } from './trace-context';
import { discoveryTracer } from './tracer';

export type { TraceHeaders } from './trace-context';

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
 * without one the pipeline holds `undefined` and pays one field check per call.
 *
 * Sampling is the request's: a call made under a span the sampler left out (the request's server span, or the
 * app's own) asks the SDK for nothing and costs one header — its attempts send that span's context, marked
 * unsampled, so the callee leaves them out too. A call with no parent (outside any request) is the root of its
 * own trace and is sampled by the SDK; left out, it costs that one span object, nothing more.
 * @internal
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

  /**
   * A call starts: a child of the span the app made current (its own, or an instrumentation's), else of the
   * request's server span (carried in the request context), else a root.
   */
  start(spec: CallSpec): CallTrace {
    const parent = parentContext();
    // Sampling is decided once per request, at its server span: a call under a span the sampler left out asks
    // the SDK for nothing (no span, no id, no sampler) and sends that span's context on, unsampled.
    const parentSpan = trace.getSpan(parent);
    if (parentSpan !== undefined) {
      const sent = parentSpan.spanContext();
      // (An invalid context — tracing suppressed — has all-zero ids: the SDK's path below sends nothing then.)
      if ((sent.traceFlags & TraceFlags.SAMPLED) === 0 && sent.spanId !== INVALID_SPANID) return CallTrace.unsampled(sent, this.protocol);
    }
    const operation = rpcName(spec.operation ?? this.protocol);
    const span = this.tracer.startSpan(`${spec.service} ${operation}`, { kind: SpanKind.INTERNAL }, parent);
    if (!span.isRecording()) return new CallTrace(this.tracer, this.protocol, operation, span, parent, false);
    // The operation is in the span's name, not repeated as an attribute.
    span.setAttributes({ [ATTR.service]: spec.service, [ATTR.protocol]: this.protocol, [ATTR.requestId]: RequestContext.requestId() });
    return new CallTrace(this.tracer, this.protocol, operation, span, trace.setSpan(parent, span), true);
  }
}

/** The context a call starts in: the app's current span if it entered one, else the request's server span. */
function parentContext(): Context {
  const active = context.active();
  if (trace.getSpan(active) !== undefined) return active;
  return RequestContext.current()?.trace ?? active;
}

/** One call's span, and the factory of its attempts' spans. @internal */
export class CallTrace {
  constructor(
    /** Undefined only for a call made under an unsampled span ({@link CallTrace.unsampled}). */
    private readonly tracer: Tracer | undefined,
    private readonly protocol: CallProtocol,
    private readonly operation: string,
    /** Undefined only for a call made under an unsampled span. */
    private readonly span: Span | undefined,
    /** The call span's context (recorded), else its parent's. */
    private readonly context: Context,
    /** The SDK records the call's span (and its attempts get spans of their own). */
    private readonly recorded: boolean,
    /** What every attempt of an unrecorded call sends: its context, unsampled. */
    private readonly unsampled: AttemptTrace | undefined = recorded ? undefined : unsampledAttempt(span, protocol),
  ) {}

  /** A call under an unsampled span: no span of its own; each attempt sends `sent` (that span's context). */
  static unsampled(sent: SpanContext, protocol: CallProtocol): CallTrace {
    return new CallTrace(undefined, protocol, '', undefined, ROOT_CONTEXT, false, new AttemptTrace(undefined, traceHeadersOf(sent), protocol));
  }

  /** An attempt on `instance` starts (`attempt` 0 is the first, a retry or a hedge counts up). */
  attempt(instance: ServiceInstance, attempt: number, hedge: boolean): AttemptTrace {
    if (this.unsampled !== undefined) return this.unsampled;
    const span = this.tracer!.startSpan(this.operation, { kind: SpanKind.CLIENT }, this.context);
    if (span.isRecording()) {
      // What the attempt adds to its call (service, protocol and request id are the call span's, its parent's): each
      // attribute costs a write here and an encoding in the export, the bulk of a span's serialization.
      span.setAttributes({ [ATTR.instanceId]: instance.id, [ATTR.serverAddress]: instance.host, [ATTR.serverPort]: instance.port, [ATTR.attempt]: attempt });
      if (hedge) span.setAttribute(ATTR.hedge, true);
      if (this.protocol === 'grpc') span.setAttributes(rpcAttributes(this.operation));
      else span.setAttribute(ATTR.httpMethod, this.operation);
    }
    return new AttemptTrace(span, traceHeadersOf(span.spanContext()), this.protocol);
  }

  /** A decision of the call's: a retry, a wait for an instance, a retry the budget refused, a hedge. */
  event(name: (typeof EVENT)[keyof typeof EVENT], attempt: number): void {
    if (this.recorded) this.span!.addEvent(name, { [ATTR.attempt]: attempt });
  }

  /** Ends the span with the call: OK with who answered and after how many attempts, or ERROR with the error. */
  end<R extends CallEnd>(call: Promise<R>): Promise<R> {
    const span = this.span;
    if (!this.recorded || span === undefined) return call;
    return call.then(
      (result) => {
        span.setAttributes({ [ATTR.instanceId]: result.instance.id, [ATTR.attempts]: result.attempts });
        span.end();
        return result;
      },
      (error: unknown) => {
        failSpan(span, error);
        span.end();
        throw error;
      },
    );
  }
}

/** The attempt of a call the SDK did not record: its span's context sent on, unsampled (nothing when tracing is suppressed). */
function unsampledAttempt(span: Span | undefined, protocol: CallProtocol): AttemptTrace {
  const sent = span?.spanContext();
  return new AttemptTrace(undefined, sent !== undefined && isSpanContextValid(sent) ? traceHeadersOf(sent) : {}, protocol);
}

/** One attempt's span: ended once the attempt is accounted for (a streamed answer: once its body is done). @internal */
export class AttemptTrace {
  constructor(
    /** Undefined: the attempt of an unsampled call, which has no span of its own. */
    private readonly span: Span | undefined,
    /** What the attempt sends to carry its context on. */
    readonly headers: TraceHeaders,
    private readonly protocol: CallProtocol,
  ) {}

  /** The attempt's instance was ejected because of it. */
  ejected(): void {
    this.span?.addEvent(EVENT.ejected);
  }

  end(result: AttemptResult<unknown>): void {
    const span = this.span;
    if (span === undefined) return;
    if (span.isRecording()) {
      span.setAttribute(ATTR.outcome, result.outcome);
      const status = result.status ?? statusOf(result.error);
      if (status !== undefined) span.setAttribute(this.protocol === 'grpc' ? ATTR.grpcStatus : ATTR.httpStatus, status);
      if (result.outcome !== 'success') {
        if (result.error === undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: result.outcome });
        else failSpan(span, result.error);
      }
    }
    span.end();
  }
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
