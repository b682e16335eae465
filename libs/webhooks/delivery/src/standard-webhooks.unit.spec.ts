import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret, standardWebhookHeaders } from './standard-webhooks';

describe('Standard Webhooks signing', () => {
  const body = JSON.stringify({ type: 'wix.contacts.v4.contact_created', data: { id: 'c-1', name: 'Zoë ✓' } });

  it('generates whsec_ secrets of 24 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(24);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('gives headers the reference verifier accepts', () => {
    const secret = generateWebhookSecret();
    const headers = standardWebhookHeaders(secret, 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W', new Date(), body);
    expect(headers['webhook-id']).toBe('msg_2KWPBgLlAfxdpx2AI54pPJ85f4W');
    expect(headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('matches the reference signer byte for byte', () => {
    const secret = generateWebhookSecret();
    const at = new Date('2024-05-06T07:08:09.999Z');
    const headers = standardWebhookHeaders(secret, 'msg_1', at, body);
    expect(headers['webhook-timestamp']).toBe('1714979289');
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('msg_1', at, body));
  });

  it('is refused for another secret, another body, or a stale timestamp', () => {
    const secret = generateWebhookSecret();
    const headers = { ...standardWebhookHeaders(secret, 'msg_1', new Date(), body) };
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(secret).verify(body.replace('c-1', 'c-2'), headers)).toThrow();
    const stale = { ...standardWebhookHeaders(secret, 'msg_1', new Date(Date.now() - 3_600_000), body) };
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/too old/);
  });

  it('signs with each secret of a rotation, so either verifies', () => {
    const [old, next] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = { ...standardWebhookHeaders([old, next], 'msg_1', new Date(), body) };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(old).verify(body, headers)).toBeTruthy();
    expect(new Webhook(next).verify(body, headers)).toBeTruthy();
  });
});
