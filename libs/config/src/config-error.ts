/** A boot stopped by its configuration: the message says what to change, so no stack is printed. */
export class ConfigError extends Error {
  /** Every problem found, one line each, each naming its variable. */
  static listing(problems: readonly string[]): ConfigError {
    return new ConfigError(`Configuration error:\n  - ${problems.join('\n  - ')}`);
  }
}
