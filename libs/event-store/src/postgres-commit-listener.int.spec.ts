import { createServer, Server } from 'node:net';
import { CommitListener } from './postgres-commit-listener';

/** A port that refuses connections: a server is opened on it and closed again. */
async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('CommitListener without a server to listen on', () => {
  it('settles at once and polls instead: its subscribers still look for commits', async () => {
    const port = await closedPort();
    let calls = 0;
    const listener = new CommitListener({ connectionString: `postgres://nobody@127.0.0.1:${port}/none` }, '"event_store.none"', () => void calls++);
    await listener.ready;
    expect(listener.isListening).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 700)); // polls every 250 ms
    await listener.close();
    expect(calls).toBeGreaterThanOrEqual(2);
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls).toBe(after); // and stops once closed
  });
});
