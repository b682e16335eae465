// A real HTTP receiver for the fault tests' webhooks: verifies every JWT with the platform's
// public key (GET /webhooks/v1/public-key, as Wix's SDK does) and counts arrivals of each
// contact_created by contact id.
import { createServer } from 'node:http';
import { importSPKI, jwtVerify } from 'jose';
import { sleep } from './fault-checks.mjs';

/** Listens on a free loopback port; `delayMs` makes each answer slow, so attempts pile up in flight. */
export async function startWebhookReceiver(publicKeyPem, { delayMs = 0 } = {}) {
  const publicKey = await importSPKI(publicKeyPem, 'RS256');
  const arrivals = new Map(); // contact id -> times its contact_created arrived
  const rejected = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      if (delayMs > 0) await sleep(delayMs);
      try {
        const { payload } = await jwtVerify(Buffer.concat(chunks).toString('utf8'), publicKey);
        const envelope = JSON.parse(payload.data);
        const event = JSON.parse(envelope.data);
        if (envelope.eventType === 'wix.contacts.v4.contact_created') arrivals.set(event.entityId, (arrivals.get(event.entityId) ?? 0) + 1);
        response.writeHead(200).end();
      } catch (error) {
        rejected.push(String(error));
        response.writeHead(401).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    arrivals,
    rejected,
    /** How many times each of `ids` arrived. */
    arrivalsOf: (ids) => ids.map((id) => arrivals.get(id) ?? 0),
    close() {
      server.close();
      server.closeAllConnections();
    },
  };
}
