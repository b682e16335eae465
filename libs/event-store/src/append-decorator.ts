import { EventStore } from './event-store.port';

/**
 * The same store with its two append methods replaced (a decorator: timing, trace context),
 * everything else passed through to the store itself.
 */
export function withAppends<Store extends EventStore>(store: Store, appends: Pick<EventStore, 'append' | 'appendToStreams'>): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'append') return appends.append;
      if (property === 'appendToStreams') return appends.appendToStreams;
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
