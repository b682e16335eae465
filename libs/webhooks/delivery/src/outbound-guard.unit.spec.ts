import type { LookupAddress } from 'node:dns';
import { checkWebhookUrl, connectLookup, refusedAddress, type ResolveHost, WebhookTargetRefused } from './outbound-guard';

const resolvesTo =
  (...addresses: string[]): ResolveHost =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.9.9.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.100.100.200', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['::a00:1', 'private'],
    ['64:ff9b::7f00:1', 'NAT64'],
  ])('refuses %s (%s)', (address, kind) => {
    expect(refusedAddress(address)).toBe(`${kind} address ${address}`);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:93.184.216.34'])('allows %s', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });
});

describe('checkWebhookUrl', () => {
  const publicHost = resolvesTo('93.184.216.34', '2606:2800:220:1::1');
  const refused = async (url: string, lookup: ResolveHost = publicHost) => {
    const error = await checkWebhookUrl(url, { lookup }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WebhookTargetRefused);
    return (error as WebhookTargetRefused).reason;
  };

  it('accepts an http(s) URL whose host resolves to public addresses only', async () => {
    await expect(checkWebhookUrl('https://hooks.example.com/wix?x=1', { lookup: publicHost })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://93.184.216.34:8080/', { lookup: publicHost })).resolves.toBeInstanceOf(URL);
  });

  it('refuses other schemes, credentials, no host and junk', async () => {
    expect(await refused('ftp://example.com/')).toBe('scheme ftp: is not http or https');
    expect(await refused('file:///etc/passwd')).toBe('scheme file: is not http or https');
    expect(await refused('javascript:alert(1)')).toMatch(/scheme javascript:/);
    expect(await refused('https://user:pw@example.com/')).toBe('credentials in the URL');
    expect(await refused('https://user@example.com/')).toBe('credentials in the URL');
    expect(await refused('not a url')).toBe('not a valid URL');
  });

  it.each([
    ['http://127.0.0.1/', 'loopback address 127.0.0.1'],
    ['http://2130706433/', 'loopback address 127.0.0.1'],
    ['http://0x7f.1/', 'loopback address 127.0.0.1'],
    ['http://localhost:3000/', 'loopback host localhost'],
    ['http://LOCALHOST./', 'loopback host localhost'],
    ['http://app.localhost/', 'loopback host app.localhost'],
    ['http://[::1]/', 'loopback address ::1'],
    ['http://[::ffff:127.0.0.1]/', 'loopback address ::ffff:7f00:1'],
    ['http://10.0.0.1/', 'private address 10.0.0.1'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local address 169.254.169.254'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata host metadata.google.internal'],
    ['http://0.0.0.0/', 'unspecified address 0.0.0.0'],
    ['http://0/', 'unspecified address 0.0.0.0'],
  ])('refuses %s', async (url, reason) => {
    expect(await refused(url)).toBe(reason);
  });

  it('refuses a name when any of its addresses is private', async () => {
    expect(await refused('https://hooks.example.com/', resolvesTo('93.184.216.34', '10.1.2.3'))).toBe('private address 10.1.2.3');
    expect(await refused('https://hooks.example.com/', resolvesTo('fd12::1'))).toBe('unique-local address fd12::1');
  });

  it('refuses a name that does not resolve', async () => {
    const nx: ResolveHost = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await refused('https://nowhere.invalid/', nx)).toBe('host nowhere.invalid does not resolve (ENOTFOUND)');
    expect(await refused('https://nowhere.invalid/', resolvesTo())).toBe('host nowhere.invalid does not resolve');
  });

  it('allows private targets when asked, without resolving, but still checks the URL', async () => {
    const lookup = jest.fn(resolvesTo('10.0.0.1'));
    for (const url of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://[::1]/', 'http://10.0.0.1/', 'http://169.254.169.254/', 'http://internal-receiver/'])
      await expect(checkWebhookUrl(url, { allowPrivateTargets: true, lookup })).resolves.toBeInstanceOf(URL);
    expect(lookup).not.toHaveBeenCalled();
    await expect(checkWebhookUrl('ftp://10.0.0.1/', { allowPrivateTargets: true })).rejects.toThrow(WebhookTargetRefused);
  });
});

describe('connectLookup', () => {
  const call = (lookup: ReturnType<typeof connectLookup>, hostname: string, options: { all?: boolean; family?: number }) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) =>
      lookup(hostname, options, (error, address, family) => resolve({ error, address, family })),
    );

  it('answers in the form asked: all addresses, or the first of a family', async () => {
    const lookup = connectLookup({ lookup: resolvesTo('93.184.216.34', '2606:2800:220:1::1') });
    expect((await call(lookup, 'example.com', { all: true })).address).toHaveLength(2);
    expect(await call(lookup, 'example.com', { family: 6 })).toEqual({ error: null, address: '2606:2800:220:1::1', family: 6 });
    expect(await call(lookup, 'example.com', {})).toEqual({ error: null, address: '93.184.216.34', family: 4 });
  });

  it('refuses private addresses, unless allowed', async () => {
    const { error } = await call(connectLookup({ lookup: resolvesTo('10.0.0.1') }), 'example.com', { all: true });
    expect(error).toBeInstanceOf(WebhookTargetRefused);
    expect((error as WebhookTargetRefused).reason).toBe('private address 10.0.0.1');
    const allowed = await call(connectLookup({ allowPrivateTargets: true, lookup: resolvesTo('10.0.0.1') }), 'example.com', {});
    expect(allowed).toEqual({ error: null, address: '10.0.0.1', family: 4 });
  });
});
