import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Resolves after the event loop's next poll phase: by then the connections waiting in the
 * listener's queue have been accepted, and the requests waiting on open connections read.
 */
const afterPoll = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** What a drain did, for the log line that says so. */
export interface DrainOutcome {
  /** Requests being answered when it began. */
  inFlightAtStart: number;
  /** Requests that came in on connections already open while it ran (each answered with `connection: close`). */
  receivedWhileDraining: number;
  /** Requests still unanswered when the limit ran out (0 unless a request took longer than the limit). */
  unfinished: number;
}

/**
 * Graceful shutdown of the HTTP API. `drain()` first turns `/health/ready` to 503 (the health
 * controller reads `draining`), keeps accepting connections for a moment (`acceptGraceMs`: a
 * connection a client opened before the signal may still be in the listener's queue, and
 * closing the listener resets it; a busy event loop takes a while to accept them all), then
 * stops accepting connections, lets every request already received
 * finish (responses say `connection: close`, so clients open no more requests on those
 * connections), waits until the open connections have been quiet for a moment, and closes the
 * idle ones. Only then may the app close what requests need (service clients, Kafka).
 */
export class HttpDrain {
  private server?: Server;
  private inFlight = 0;
  private lastRequestAt = 0;
  private startedAt?: number;
  private receivedWhileDraining = 0;

  get draining(): boolean {
    return this.startedAt !== undefined;
  }

  /** Counts the requests of the app's server (gatewayHttpAdapter calls it). */
  watch(server: Server): void {
    this.server = server;
    server.on('request', (_request, response: ServerResponse) => {
      this.inFlight += 1;
      this.lastRequestAt = Date.now();
      if (this.draining) this.receivedWhileDraining += 1;
      response.once('close', () => {
        this.inFlight -= 1;
      });
    });
  }

  /** Resolves once every request received has been answered, or at `limitMs`. */
  async drain(limitMs: number, quietMs = 250, acceptGraceMs = 500): Promise<DrainOutcome> {
    const startedAt = (this.startedAt ??= Date.now());
    const inFlightAtStart = this.inFlight;
    const server = this.server;
    if (!server) return { inFlightAtStart, receivedWhileDraining: 0, unfinished: 0 };
    await delay(acceptGraceMs);
    await afterPoll();
    // net.Server#close, not http.Server#close: that one also closes the idle keep-alive
    // connections at once, which drops a request a client is sending on one at that moment.
    if (server.listening) NetServer.prototype.close.call(server);
    const deadline = startedAt + limitMs;
    const busy = () => this.inFlight > 0 || Date.now() - Math.max(this.lastRequestAt, startedAt) < quietMs;
    // Checked after a poll, so that a request whose bytes are waiting (the loop was busy) counts.
    do {
      await delay(10);
      await afterPoll();
    } while (Date.now() < deadline && busy());
    server.closeIdleConnections();
    return { inFlightAtStart, receivedWhileDraining: this.receivedWhileDraining, unfinished: this.inFlight };
  }
}
