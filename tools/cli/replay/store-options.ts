import { Option } from 'commander';

/** The options every replay command that reads events shares, spelled once so their help reads the same. */
export function eventStoreOption(description: string): Option {
  return new Option('--event-store <url|file>', description).env('EVENTSTORE_URL');
}

export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', "the standalone app's data directory").env('DATA_DIR').default('./data');
}
