/**
 * A small keep-alive HTTP client for benchmarks (node:http with a keep-alive agent: undici is not
 * an installed package here). Bodies are prepared before the clock starts.
 */
import http from 'node:http';

export interface HttpResult {
  status: number;
  body: string;
  ms: number;
  headers: http.IncomingHttpHeaders;
}

export class BenchClient {
  readonly agent: http.Agent;
  private readonly base: URL;

  constructor(
    baseUrl: string,
    connections: number,
    private readonly timeoutMs: number,
    private readonly token: string | null = null,
  ) {
    this.base = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  request(method: 'GET' | 'POST', pathname: string, body?: string | Buffer): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const headers: Record<string, string | number> = {};
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      if (this.token) headers.authorization = `Bearer ${this.token}`;
      const req = http.request(
        { agent: this.agent, host: this.base.hostname, port: this.base.port, method, path: pathname, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: Number(process.hrtime.bigint() - started) / 1e6,
              headers: res.headers,
            }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Waits until GET /api/health answers 200 (a server just started may still be opening its DB). */
export async function waitHealthy(client: BenchClient, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await client.request('GET', '/api/health');
      if (r.status === 200) return JSON.parse(r.body) as Record<string, unknown>;
      last = `${r.status} ${r.body.slice(0, 200)}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy: ${last}`);
}
