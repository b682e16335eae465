import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigError } from './config-error';
import { listenOn } from './listen';

const listen = (server: Server, port: number) =>
  new Promise<Server>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

describe('listenOn', () => {
  it('reports a port in use in one line naming the variable', async () => {
    const taken = await listen(createServer(), 0);
    const port = (taken.address() as AddressInfo).port;
    try {
      const attempt = listenOn('PORT', port, () => listen(createServer(), port));
      await expect(attempt).rejects.toThrow(new ConfigError(`PORT ${port} is already in use (set PORT to another port)`));
      await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    } finally {
      taken.close();
    }
  });

  it('passes other failures on as they are', async () => {
    const failure = new Error('something else');
    await expect(listenOn('PORT', 1, () => Promise.reject(failure))).rejects.toBe(failure);
  });
});
