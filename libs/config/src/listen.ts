import { ConfigError } from './config-error';

/**
 * Runs `listen` and turns a port this process cannot have into one line that names the variable
 * which chose it, instead of a stack trace: like a bad value, it is fixed in the configuration.
 */
export async function listenOn<T>(variable: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    throw portProblem(error, variable, port) ?? error;
  }
}

function portProblem(error: unknown, variable: string, port: number): ConfigError | undefined {
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE':
      return new ConfigError(`${variable} ${port} is already in use (set ${variable} to another port)`);
    case 'EACCES':
      return new ConfigError(`${variable} ${port} needs privileges this process does not have (set ${variable} to a port above 1023)`);
    default:
      return undefined;
  }
}
