import { isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';

/** semantic-conventions' ATTR_HTTP_ROUTE, written out: that package is 1 MB to load, for one name, also with tracing off. */
const ATTR_HTTP_ROUTE = 'http.route';

export interface TraceFields {
  trace_id?: string;
  span_id?: string;
}

/**
 * The trace and span of the work going on, for a log entry (the logger's mixin), so that a line
 * can be joined to its trace. Only for a span that is recorded: the id of a trace that was not
 * sampled leads nowhere. With tracing off there is never an active span. A new object each time:
 * pino merges the entry's fields into it.
 */
export function activeTraceFields(): TraceFields {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext) || !(spanContext.traceFlags & TraceFlags.SAMPLED)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/**
 * Names the active HTTP server span after the route (`POST /contacts/v4/contacts/:id`) rather
 * than the bare method the http instrumentation knows: it sees the URL, not the router's pattern.
 */
export function nameActiveHttpSpan(method: string, route: string | undefined): void {
  const span = trace.getActiveSpan();
  if (!span || route === undefined || !span.isRecording()) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute(ATTR_HTTP_ROUTE, route);
}
