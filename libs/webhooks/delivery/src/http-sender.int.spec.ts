import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpWebhookSender } from './http-sender';
import { checkWebhookUrl, type ResolveHost } from './outbound-guard';

interface Received {
  method?: string;
  url?: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local receiver on all interfaces (IPv4 and IPv6) whose answer each test sets. */
async function receiver(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => res.end('ok')) {
  const received: Received[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(req, res);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '::', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const resolvesTo =
  (address: string): ResolveHost =>
  async () => [{ address, family: address.includes(':') ? 6 : 4 }];

describe('HttpWebhookSender', () => {
  let server: Awaited<ReturnType<typeof receiver>>;
  let sender: HttpWebhookSender;
  afterEach(async () => {
    sender?.close();
    await server?.close();
  });

  describe('to an allowed local target', () => {
    beforeEach(() => (sender = new HttpWebhookSender({ allowPrivateTargets: true, timeoutMs: 2000 })));

    it('POSTs the body with the caller headers and a user agent; 2xx is delivered', async () => {
      server = await receiver((_req, res) => res.writeHead(202).end());
      const result = await sender.send({ url: server.url, body: 'eyJhbGciOi.x.y', headers: { 'content-type': 'text/plain' } });
      expect(result).toEqual({ delivered: true, statusCode: 202, durationMs: expect.any(Number) });
      expect(server.received).toEqual([
        {
          method: 'POST',
          url: '/hook',
          body: 'eyJhbGciOi.x.y',
          headers: expect.objectContaining({ 'content-type': 'text/plain', 'content-length': '14', 'user-agent': expect.stringMatching(/webhooks/) }),
        },
      ]);
    });

    it('reuses the connection for the next message', async () => {
      server = await receiver();
      for (let i = 0; i < 5; i++) expect((await sender.send({ url: server.url, body: `{"n":${i}}` })).delivered).toBe(true);
      expect(server.received).toHaveLength(5);
      expect(server.connections()).toBe(1);
    });

    it.each([500, 404, 410])('does not deliver on %i, and says so', async (status) => {
      server = await receiver((_req, res) => res.writeHead(status).end('nope'));
      expect(await sender.send({ url: server.url, body: '{}' })).toEqual({
        delivered: false,
        statusCode: status,
        error: `http status ${status}`,
        durationMs: expect.any(Number),
      });
    });

    it('does not follow a redirect', async () => {
      server = await receiver((req, res) => (req.url === '/hook' ? res.writeHead(302, { location: '/elsewhere' }).end() : res.end('ok')));
      const result = await sender.send({ url: server.url, body: '{}' });
      expect(result).toMatchObject({ delivered: false, statusCode: 302, error: 'redirect not followed (302)' });
      expect(server.received.map((r) => r.url)).toEqual(['/hook']);
    });

    it('times out on a receiver that never answers, within about the timeout', async () => {
      server = await receiver(() => {});
      sender = new HttpWebhookSender({ allowPrivateTargets: true, timeoutMs: 300 });
      const started = Date.now();
      const result = await sender.send({ url: server.url, body: '{}' });
      expect(result).toEqual({ delivered: false, error: 'timeout after 300 ms', durationMs: expect.any(Number) });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('does not buffer a huge response: answers at the headers and drops the socket', async () => {
      let written = 0;
      let closedAfter = -1;
      server = await receiver((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (written < 50 * 1024 * 1024) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('close', () => (closedAfter = written));
        pump();
      });
      const started = Date.now();
      const result = await sender.send({ url: server.url, body: '{}' });
      expect(result).toMatchObject({ delivered: true, statusCode: 200 });
      expect(Date.now() - started).toBeLessThan(1500);
      await waitFor(() => closedAfter >= 0);
      expect(closedAfter).toBeLessThan(50 * 1024 * 1024);
      // The dropped socket is not reused.
      expect((await sender.send({ url: server.url, body: '{}' })).delivered).toBe(true);
      expect(server.connections()).toBe(2);
    });

    it('reports a refused connection', async () => {
      server = await receiver();
      const { port } = server;
      await server.close();
      expect(await sender.send({ url: `http://127.0.0.1:${port}/hook`, body: '{}' })).toEqual({
        delivered: false,
        error: 'connection refused',
        durationMs: expect.any(Number),
      });
      expect(await sender.send({ url: `http://localhost:${port}/hook`, body: '{}' })).toMatchObject({ error: 'connection refused' });
    });

    it('speaks TLS to an https URL (here to a plain HTTP receiver, which fails the handshake)', async () => {
      server = await receiver();
      const result = await sender.send({ url: `https://127.0.0.1:${server.port}/hook`, body: '{}' });
      expect(result).toMatchObject({ delivered: false, error: expect.stringMatching(/^tls error/) });
      expect(server.received).toHaveLength(0);
    });

    it('does not throw on a header it cannot send', async () => {
      server = await receiver();
      const result = await sender.send({ url: server.url, body: '{}', headers: { 'x-bad': 'a\r\nx-injected: 1' } });
      expect(result).toMatchObject({ delivered: false, error: expect.stringMatching(/x-bad/) });
      expect(server.connections()).toBe(0);
    });

    it('reports a host that does not resolve', async () => {
      expect(await sender.send({ url: 'http://nowhere.invalid/hook', body: '{}' })).toMatchObject({ delivered: false, error: 'host not found' });
    });

    it.each(['127.0.0.1', 'localhost', '[::1]', '[::ffff:127.0.0.1]', '0.0.0.0'])('delivers to %s', async (host) => {
      server = await receiver();
      expect(await sender.send({ url: `http://${host}:${server.port}/hook`, body: '{}' })).toMatchObject({ delivered: true });
    });

    it('connects to the address its lookup gives', async () => {
      server = await receiver();
      sender = new HttpWebhookSender({ allowPrivateTargets: true, lookup: resolvesTo('127.0.0.1') });
      expect(await sender.send({ url: `http://receiver.test:${server.port}/hook`, body: '{}' })).toMatchObject({ delivered: true });
      expect(server.received[0].headers.host).toBe(`receiver.test:${server.port}`);
    });
  });

  describe('with private targets refused', () => {
    beforeEach(() => (sender = new HttpWebhookSender({ timeoutMs: 2000 })));

    it.each([
      ['127.0.0.1', 'loopback address 127.0.0.1'],
      ['localhost', 'loopback host localhost'],
      ['[::1]', 'loopback address ::1'],
      ['[::ffff:127.0.0.1]', 'loopback address ::ffff:7f00:1'],
      ['0.0.0.0', 'unspecified address 0.0.0.0'],
      ['10.0.0.1', 'private address 10.0.0.1'],
      ['169.254.169.254', 'link-local address 169.254.169.254'],
      ['metadata.google.internal', 'metadata host metadata.google.internal'],
    ])('refuses %s without connecting', async (host, reason) => {
      server = await receiver();
      const result = await sender.send({ url: `http://${host}:${server.port}/hook`, body: '{}' });
      expect(result).toEqual({ delivered: false, error: `target refused: ${reason}`, durationMs: expect.any(Number) });
      expect(server.connections()).toBe(0);
    });

    it.each(['ftp://example.com/hook', 'file:///etc/passwd', 'https://user:secret@example.com/hook', 'nonsense'])('refuses %s', async (url) => {
      expect(await sender.send({ url, body: '{}' })).toMatchObject({ delivered: false, error: expect.stringMatching(/^target refused: /) });
    });

    it('refuses a name that resolved public at subscription time and private now (DNS rebinding)', async () => {
      server = await receiver();
      const answers = ['93.184.216.34', '127.0.0.1'];
      const lookup: ResolveHost = async () => [{ address: answers.shift() ?? '127.0.0.1', family: 4 }];
      const url = `http://rebind.example.com:${server.port}/hook`;

      await expect(checkWebhookUrl(url, { lookup })).resolves.toBeInstanceOf(URL);
      sender = new HttpWebhookSender({ lookup });
      expect(await sender.send({ url, body: '{}' })).toEqual({
        delivered: false,
        error: 'target refused: loopback address 127.0.0.1',
        durationMs: expect.any(Number),
      });
      expect(server.connections()).toBe(0);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
