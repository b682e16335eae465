import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { withAppends } from './append-decorator';
import { EventStore, NewEvent, StreamAppend, TraceContext } from './event-store.port';

/**
 * The same store, each appended event given the trace context of the work that appends it (the
 * request being answered), unless it has one: a relay reads it back to publish the event's
 * messages in that trace (EventRelay), since it publishes later, outside the request. With
 * tracing off there is no context to keep and the events are passed on untouched.
 */
export function keepTraceContext<Store extends EventStore>(store: Store): Store {
  const withContext = (events: NewEvent[]): NewEvent[] => {
    const traceContext = activeTraceContext();
    if (!traceContext) return events;
    return events.map((event) => (event.metadata.traceContext ? event : { ...event, metadata: { ...event.metadata, traceContext } }));
  };
  const append: EventStore['append'] = (streamId, events, expected) => store.append(streamId, withContext(events), expected);
  const appendToStreams: EventStore['appendToStreams'] = (appends) =>
    store.appendToStreams(appends.map((part): StreamAppend => ({ ...part, events: withContext(part.events) })));
  return withAppends(store, { append, appendToStreams });
}

/** The active context as W3C trace-context headers; undefined when no trace is active (or tracing is off). */
export function activeTraceContext(): TraceContext | undefined {
  const carrier: TraceContext = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** Runs `work` in the trace an event was written in (its traceContext), or as it is when it has none. */
export function inTraceOf<T>(traceContext: TraceContext | undefined, work: () => T): T {
  return traceContext ? context.with(propagation.extract(ROOT_CONTEXT, traceContext), work) : work();
}
