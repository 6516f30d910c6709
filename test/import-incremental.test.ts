/**
 * A transcript read while Claude Code is still writing it: the response whose lines are still
 * arriving must not be recorded with its partial usage. spotter-tool_heavy's last response
 * (msg …5jdsym) is split over lines 34 (output_tokens 25) and 37 (the final 173).
 */
import { appendFileSync, readFileSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';
import { FIXTURES, OLD, runImportCli } from './import-fixtures.js';

const SESSION = 'd6e0bada-1959-4eec-a9d2-0bfade768d8f';

describe('importing a transcript that is still being written', () => {
  let server: TestServer;
  let projects: string;
  let file: string;
  let lines: string[];

  beforeAll(async () => {
    server = await startTestServer();
    projects = path.join(server.dir, 'projects');
    file = path.join(projects, '-work-spotter', `${SESSION}.jsonl`);
    mkdirSync(path.dirname(file), { recursive: true });
    lines = readFileSync(path.join(FIXTURES, 'claude-transcripts', 'spotter-tool_heavy.jsonl'), 'utf8').trimEnd().split('\n');
  });
  afterAll(async () => server?.cleanup());

  it('holds back the response still being written', async () => {
    // Lines 1-34: the first three responses are complete (a later one began); the fourth has only
    // its first, partial line. The file was just written (mtime now).
    writeFileSync(file, lines.slice(0, 34).join('\n') + '\n');
    const run = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    expect(run.summary.files_pending).toBe(1);
    const { body } = await server.get(`/api/sessions/${SESSION}`);
    expect(body.session.api_request_count).toBe(3);
    expect(body.session.tokens_out).toBe(27 + 1 + 11);
  });

  it('records its final usage once the rest has been written', async () => {
    appendFileSync(file, lines.slice(34).join('\n') + '\n');
    utimesSync(file, OLD, OLD); // quiet since: the response is complete
    const run = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    expect(run.summary.files_pending).toBe(0);
    expect(run.summary.stored).toBe(1 + 2); // the response and its two tool calls
    const { body } = await server.get(`/api/sessions/${SESSION}?events=100`);
    expect(body.session.api_request_count).toBe(4);
    expect(body.session.tokens_out).toBe(212);
    expect(body.session.tool_count).toBe(6);
    const last = body.events.find((e: any) => e.request_id === 'req_011CY1DcMwHdEPXMf4hW4MxJ');
    expect(last.tokens_out).toBe(173);

    const again = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
    expect(again.summary.files_unchanged).toBe(1);
  });

  it('leaves an unterminated last line of a live file for the next run', async () => {
    const live = path.join(projects, '-work-live', 'live-session.jsonl');
    mkdirSync(path.dirname(live), { recursive: true });
    const entry = (id: string, out: number) =>
      JSON.stringify({
        type: 'assistant',
        sessionId: 'live-session',
        timestamp: '2026-02-21T10:00:00.000Z',
        requestId: `req_${id}`,
        message: { id: `msg_${id}`, model: 'claude-haiku-4-5', usage: { input_tokens: 1, output_tokens: out } },
      });
    const full = entry('live1', 4) + '\n' + entry('live2', 9);
    writeFileSync(live, full.slice(0, full.length - 20)); // the writer is mid-line
    const first = await runImportCli(server, ['--source', 'claude-code', '--path', path.dirname(path.dirname(live))]);
    expect(first.summary.malformed).toBe(0);
    writeFileSync(live, full + '\n');
    utimesSync(live, OLD, OLD);
    await runImportCli(server, ['--source', 'claude-code', '--path', path.dirname(path.dirname(live))]);
    const { body } = await server.get('/api/sessions/live-session');
    expect(body.session.api_request_count).toBe(2);
    expect(body.session.tokens_out).toBe(13);
  });
});
