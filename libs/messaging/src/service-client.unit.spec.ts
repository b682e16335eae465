import { NEVER, Observable, of } from 'rxjs';
import { AppError } from '@cp/errors';
import { RequestSender, ServiceClient } from './service-client';

/** A sender whose first `silent` requests are never answered (a replica died with them), the next answered. */
function sender(silent: number) {
  const sent: unknown[] = [];
  const client: RequestSender = {
    send<T>(_pattern: string, data: unknown): Observable<T> {
      sent.push(data);
      return (sent.length <= silent ? NEVER : of({ answer: sent.length })) as Observable<T>;
    },
  };
  return { client, sent };
}

describe('ServiceClient', () => {
  it('answers 503 when no answer comes in time', async () => {
    const { client, sent } = sender(1);
    await expect(new ServiceClient(client, 20).forward('p', { n: 1 })).rejects.toMatchObject({ kind: 'UNAVAILABLE', code: 'SERVICE_UNAVAILABLE' });
    expect(sent).toHaveLength(1);
  });

  it('sends a request it may retry once more, with the same payload, after a timeout', async () => {
    const { client, sent } = sender(1);
    await expect(new ServiceClient(client, 20).forward('p', { key: 'k' }, { retryOnTimeout: true })).resolves.toEqual({ answer: 2 });
    expect(sent).toEqual([{ key: 'k' }, { key: 'k' }]);
  });

  it('gives up after the second timeout, and does not retry a refusal', async () => {
    const twice = sender(2);
    await expect(new ServiceClient(twice.client, 20).forward('p', {}, { retryOnTimeout: true })).rejects.toBeInstanceOf(AppError);
    expect(twice.sent).toHaveLength(2);
    const sent: unknown[] = [];
    const refusing: RequestSender = {
      send: <T>(_pattern: string, data: unknown) =>
        new Observable<T>((subscriber) => {
          sent.push(data);
          subscriber.error({ kind: 'ALREADY_EXISTS', status: 409, message: 'taken', details: { applicationError: { code: 'DUPLICATE_CONTACT_EXISTS', description: 'taken', data: {} } } });
        }),
    };
    await expect(new ServiceClient(refusing, 20).forward('p', {}, { retryOnTimeout: true })).rejects.toMatchObject({ code: 'DUPLICATE_CONTACT_EXISTS' });
    expect(sent).toHaveLength(1);
  });
});
