import { EventStore } from './event-store.port';

/**
 * The same store with its two append methods replaced (a decorator: timing, trace context),
 * everything else passed through to the store itself.
 */
export function withAppends<Store extends EventStore>(store: Store, appends: Pick<EventStore, 'append' | 'appendToStreams'>): Store {
  return withOverrides(store, appends);
}

/** The same store with some of its methods replaced, everything else passed through to the store itself. */
export function withOverrides<Store extends EventStore>(store: Store, overrides: Partial<EventStore>): Store {
  return new Proxy(store, {
    get(target, property) {
      if (Object.prototype.hasOwnProperty.call(overrides, property)) return overrides[property as keyof EventStore];
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
