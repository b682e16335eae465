// A small JSON client for the public API over keep-alive connections (seeding, lag samples).
import http from 'node:http';

/** The server did not answer within the request's timeout. */
export class ClientTimeout extends Error {}

export class ApiClient {
  constructor(baseUrl, headers, maxSockets = 32) {
    this.url = new URL(baseUrl);
    this.headers = headers;
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** Resolves { status, body } for any status; rejects only on a network error or after `timeoutMs`. */
  request(method, path, body, options) {
    return this.requestRaw(method, path, body === undefined ? undefined : JSON.stringify(body), options);
  }

  /** `request` with the body already serialized (so that timing it leaves out the client's JSON work). */
  requestRaw(method, path, payload, { timeoutMs = 30_000 } = {}) {
    return new Promise((resolve, reject) => {
      // A server that refuses a large body answers before reading it and closes the connection:
      // the client's write then fails (EPIPE, ECONNRESET) although the answer is in. It counts.
      let answered = false;
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          agent: this.agent,
          headers: { ...this.headers, ...(payload !== undefined && { 'content-length': Buffer.byteLength(payload) }) },
        },
        (res) => {
          answered = true;
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode, body: parsed });
          });
          const settleWithWhatCame = () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') });
          res.on('error', settleWithWhatCame);
          res.on('aborted', settleWithWhatCame);
        },
      );
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new ClientTimeout(`${method} ${path}: no answer in ${timeoutMs / 1000} s`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like request, but anything other than 2xx is an error naming the call and the answer. */
  async ok(method, path, body) {
    const response = await this.request(method, path, body);
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
    }
    return response.body;
  }

  close() {
    this.agent.destroy();
  }
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; calls onProgress(done). */
export async function pool(count, concurrency, task, onProgress) {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await task(i);
      done++;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
