/**
 * A call the tool refuses before doing anything: a bad option, a store that is not where it was
 * said to be, the app still serving the data. Exit code 2, as for commander's own usage errors.
 */
export class UsageError extends Error {}
