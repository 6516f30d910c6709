import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../collector/core/storage.js';
import { WebhookSender } from './webhook.js';

const alert: AlertRecord = {
  id: 7, budget_id: 'b-1', budget_name: 'daily', period: 'day', unit: 'usd', project: null, agent: null,
  period_start: '2026-06-10T00:00:00.000Z', period_end: '2026-06-11T00:00:00.000Z', threshold: 80, spent: 8, limit: 10,
  raised_at: '2026-06-10T12:00:00.000Z',
};

function logger() {
  const lines: string[] = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  return { lines, logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } };
}

let server: http.Server | null = null;
async function receiver(statuses: number[]): Promise<{ url: string; hits: number[] }> {
  const hits: number[] = [];
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const status = statuses[Math.min(hits.length, statuses.length - 1)];
      hits.push(status);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook?token=q-secret`, hits };
}

afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

const config = (url: string, max_attempts = 3) => ({ url, headers: { 'x-key': 'h-secret' }, max_attempts, backoff_ms: 20, timeout_ms: 2000 });

describe('WebhookSender', () => {
  it('retries 503 with back-off until delivered', async () => {
    const { url, hits } = await receiver([503, 503, 200]);
    const { logger: l } = logger();
    const sender = new WebhookSender(config(url), l);
    sender.send(alert);
    await sender.idle();
    expect(hits).toEqual([503, 503, 200]);
  });

  it('gives up after max_attempts and logs without the query or the headers', async () => {
    const { url, hits } = await receiver([500]);
    const { lines, logger: l } = logger();
    const sender = new WebhookSender(config(url, 2), l);
    sender.send(alert);
    await sender.idle();
    expect(hits).toEqual([500, 500]);
    const text = lines.join('\n');
    expect(text).toContain('giving up');
    expect(text).toContain('/hook');
    expect(text).not.toContain('q-secret');
    expect(text).not.toContain('h-secret');
  });

  it('does not retry a 4xx other than 429', async () => {
    const { url, hits } = await receiver([400]);
    const sender = new WebhookSender(config(url), logger().logger);
    sender.send(alert);
    await sender.idle();
    expect(hits).toEqual([400]);
  });

  it('retries a refused connection, then gives up', async () => {
    const { lines, logger: l } = logger();
    const sender = new WebhookSender(config('http://127.0.0.1:9/none', 2), l);
    sender.send(alert);
    await sender.idle();
    expect(lines.join('\n')).toContain('network error');
  });
});
