import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A webhook URL we will not call; the caller answers 400 with `reason`. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
  constructor(readonly reason: string) {
    super(`Webhook URL refused: ${reason}`);
  }
}

/** Resolves a host name to all its addresses (injectable, for tests). */
export type ResolveHost = (hostname: string) => Promise<LookupAddress[]>;

export const resolveHost: ResolveHost = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

export interface OutboundPolicy {
  /** Allows loopback, private, link-local... targets: for local development and tests only. */
  allowPrivateTargets?: boolean;
  lookup?: ResolveHost;
}

// Cloud instance-metadata services by name (their addresses are link-local or unique-local anyway).
const METADATA_HOSTNAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

const RANGE_NAMES: Record<string, string> = {
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  carrierGradeNat: 'carrier-grade NAT',
  deprecatedSiteLocal: 'site-local',
  rfc6052: 'NAT64',
  rfc6145: 'IPv4-translated',
};

/**
 * Why an address is not a public unicast address, or undefined when it is. Only `unicast` (the
 * ranges ipaddr.js names nothing special) passes; IPv6 forms of an IPv4 are judged as that IPv4.
 */
export function refusedAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `invalid address ${address}`;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) ip = v6.toIPv4Address();
    // The deprecated IPv4-compatible ::a.b.c.d, which ipaddr.js files under unicast, likewise
    // (ipaddr.js reads the dotted spelling as mapped already).
    else if (v6.range() === 'unicast' && v6.parts.slice(0, 6).every((part) => part === 0)) ip = ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  const range = ip.range();
  return range === 'unicast' ? undefined : `${RANGE_NAMES[range] ?? range} address ${address}`;
}

/** The checks on the URL itself: scheme, credentials, host. Returns the parsed URL. */
export function parseWebhookUrl(url: string | URL): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new WebhookTargetRefused('not a valid URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new WebhookTargetRefused(`scheme ${target.protocol} is not http or https`);
  if (target.username || target.password) throw new WebhookTargetRefused('credentials in the URL');
  if (!hostnameOf(target)) throw new WebhookTargetRefused('no host');
  return target;
}

/** The host without IPv6 brackets or a trailing dot, lower case (URL already lower-cases). */
export function hostnameOf(target: URL): string {
  return target.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
}

/** Refuses a host that is, or by name or any resolved address points to, a non-public target. */
export async function checkHost(hostname: string, lookup: ResolveHost = resolveHost): Promise<void> {
  if (refuseHostName(hostname)) return;
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(hostname);
  } catch (error) {
    throw new WebhookTargetRefused(`host ${hostname} does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  refuseAddresses(hostname, addresses);
}

/** Checks a host by its name; true when it is an IP literal (nothing left to resolve). */
function refuseHostName(hostname: string): boolean {
  if (isIP(hostname)) {
    const reason = refusedAddress(hostname);
    if (reason) throw new WebhookTargetRefused(reason);
    return true;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) throw new WebhookTargetRefused(`loopback host ${hostname}`);
  if (METADATA_HOSTNAMES.has(hostname)) throw new WebhookTargetRefused(`metadata host ${hostname}`);
  return false;
}

function refuseAddresses(hostname: string, addresses: LookupAddress[]): void {
  if (addresses.length === 0) throw new WebhookTargetRefused(`host ${hostname} does not resolve`);
  // All of them: a client may connect to any, so one private address is enough to refuse.
  for (const { address } of addresses) {
    const reason = refusedAddress(address);
    if (reason) throw new WebhookTargetRefused(reason);
  }
}

/**
 * At subscription time: only http(s), no credentials, a host that resolves to public addresses
 * only (unless `allowPrivateTargets`). Throws WebhookTargetRefused; returns the parsed URL.
 */
export async function checkWebhookUrl(url: string | URL, policy: OutboundPolicy = {}): Promise<URL> {
  const target = parseWebhookUrl(url);
  // Without the address checks there is nothing to resolve; a name only the delivery side resolves is fine.
  if (!policy.allowPrivateTargets) await checkHost(hostnameOf(target), policy.lookup);
  return target;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request / net.connect that checks the addresses the socket will actually
 * use, so a name that turned private since subscription time (DNS rebinding) is refused.
 * (net.connect skips lookup for IP literals: the sender checks those itself.)
 */
export function connectLookup(policy: OutboundPolicy) {
  const resolve = policy.lookup ?? resolveHost;
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    Promise.resolve()
      .then(() => {
        if (!policy.allowPrivateTargets) refuseHostName(hostname);
        return resolve(hostname);
      })
      .then((found) => {
        if (!policy.allowPrivateTargets) refuseAddresses(hostname, found);
        const usable = found.filter(({ family }) => !options.family || family === options.family);
        if (usable.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        return usable;
      })
      .then(
        (usable) => (options.all ? callback(null, usable) : callback(null, usable[0].address, usable[0].family)),
        (error: NodeJS.ErrnoException) => callback(error, []),
      );
  };
}
