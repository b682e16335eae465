import { MessageChannel, MessagePort } from 'node:worker_threads';
import { AppError, toErrorPayload } from '@cp/errors';
import { InProcessBroker, NoHandlerError } from './in-process-broker';
import { connectBrokerToPort, PortBroker } from './thread-broker';

/** The two ends of a worker's port, in one thread: the protocol is the same, the clone of each message too. */
describe('the broker across a thread port', () => {
  let ports: MessagePort[];
  let main: InProcessBroker;
  let worker: PortBroker;
  let disconnect: (reason: Error) => void;

  beforeEach(() => {
    const channel = new MessageChannel();
    ports = [channel.port1, channel.port2];
    main = new InProcessBroker();
    disconnect = connectBrokerToPort(main, channel.port1);
    worker = new PortBroker(channel.port2);
  });
  afterEach(() => ports.forEach((port) => port.close()));

  const settled = () => new Promise((resolve) => setTimeout(resolve, 10));

  it("answers the main thread's requests with the worker's handlers, as JSON, and its errors as payloads", async () => {
    worker.serve('w.echo', async (data) => ({ echoed: data, at: new Date(0) }));
    worker.serve('w.fail', async () => {
      throw toErrorPayload(AppError.notFound('NOPE', 'not here'));
    });
    await settled();
    expect(main.hasHandler('w.echo')).toBe(true);
    const reply = await main.request('w.echo', { a: [1, 'two'] });
    expect(JSON.parse(reply!.json)).toEqual({ echoed: { a: [1, 'two'] }, at: '1970-01-01T00:00:00.000Z' });
    await expect(main.request('w.fail', {})).rejects.toMatchObject({ status: 404, details: { applicationError: { code: 'NOPE' } } });
  });

  it("delivers the main thread's events to the worker's listeners, resolving once they are handled, and keeps those published before it listened", async () => {
    const seen: unknown[] = [];
    await main.publish('w.events', { n: 0 }); // nobody listens yet: queued, as on a topic
    worker.listen('w.events', async (data) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(data);
    });
    await settled();
    await main.publish('w.events', { n: 1 });
    expect(seen).toEqual([{ n: 0 }, { n: 1 }]);
  });

  it("sends the worker's requests and events to the main thread's services", async () => {
    main.serve('m.hello', async (data) => ({ hello: (data as { name: string }).name }));
    const heard: unknown[] = [];
    main.listen('m.events', async (data) => void heard.push(data));
    expect(JSON.parse((await worker.request('m.hello', { name: 'Ada' }))!.json)).toEqual({ hello: 'Ada' });
    await worker.publish('m.events', { n: 1 });
    expect(heard).toEqual([{ n: 1 }]);
    await expect(worker.request('m.nobody', {})).rejects.toBeInstanceOf(NoHandlerError);
  });

  it('fails what is waiting when the worker is gone', async () => {
    worker.serve('w.slow', () => new Promise(() => undefined));
    await settled();
    const waiting = main.request('w.slow', {});
    disconnect(new Error('the webhooks worker exited'));
    await expect(waiting).rejects.toThrow('the webhooks worker exited');
  });
});
