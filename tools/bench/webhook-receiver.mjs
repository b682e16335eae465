// The webhooks phase's receiver (forked by lib/webhooks-phase.mjs): a plain node:http server on
// loopback, in a process of its own so that its clock readings do not wait behind the bench's
// own work (polling, IPC, the RSS sampler). Each POST is read to its end, stamped with the wall
// clock (the app's eventTime comes from the same machine's clock), answered 200 at once, and only
// then decoded: the JWT's middle part, base64url, without verifying the signature; its `data`
// claim is a JSON string whose `data` field is a JSON string of the event body.
//
// Over IPC it sends { ready, url } once listening, answers { cmd: 'count', id, since } with the
// number of contacts committed since `since` whose contact_created has come, and
// { cmd: 'report', id } with every delivery as [eventType, eventId, entityId, eventTimeMs, receivedAtMs].
import http from 'node:http';

const received = []; // [eventType, eventId, entityId, eventTimeMs, receivedAtMs]
let undecodable = 0;
let requests = 0;

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const receivedAt = Date.now();
    requests++;
    response.writeHead(200, { 'content-length': '0' }).end();
    try {
      const jwt = Buffer.concat(chunks).toString('utf8');
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
      const envelope = JSON.parse(claims.data);
      const event = JSON.parse(envelope.data);
      received.push([envelope.eventType, event.id, event.entityId, Date.parse(event.eventTime), receivedAt]);
    } catch {
      undecodable++;
    }
  });
});
// Keep the app's keep-alive connections open through the phase's pauses.
server.keepAliveTimeout = 60_000;

/** contact_created deliveries of distinct contacts committed at or after `since` (ms). */
function createdSince(since) {
  const entities = new Set();
  for (const [type, , entityId, eventTime] of received) if (type === 'wix.contacts.v4.contact_created' && eventTime >= since) entities.add(entityId);
  return entities.size;
}

server.listen(0, '127.0.0.1', () => {
  process.send({ ready: true, url: `http://127.0.0.1:${server.address().port}/bench-webhooks` });
});

process.on('message', ({ cmd, id, since = 0 }) => {
  if (cmd === 'count') process.send({ id, count: createdSince(since), requests, undecodable, at: Date.now() });
  else if (cmd === 'report') process.send({ id, received, requests, undecodable });
  else if (cmd === 'stop') {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  }
});
process.on('disconnect', () => process.exit(0));
