/**
 * Issue 10 point 11: with prompt storage off (the default), no field that can carry what the user
 * or model wrote — prompts, tool inputs and outputs, commands, error text — reaches the database
 * or the API, from any source: native events (metadata at any depth), OTLP logs and spans (the
 * OpenTelemetry JS exporters), hooks, and imported history. Only sizes (and safe facts such as a
 * status code) are kept. With AGENTSTATS_STORE_PROMPTS=1 the text is kept (importers never keep it).
 */
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTestServer, type TestServer } from './helpers/server.js';
import { OLD, runImportCli } from './import-fixtures.js';

/** Every secret the sources send, by where it is sent. */
const S = {
  nativePrompt: 'SECRET-native-prompt',
  nativeToolInput: 'SECRET-native-tool-input',
  nativeNestedError: 'SECRET-native-nested-error',
  nativeTopLevel: 'SECRET-native-top-level',
  nativeCommand: 'SECRET-native-command',
  nativeToolOutput: 'SECRET-native-tool-output',
  nativeErrorMessage: 'SECRET-native-error-message',
  nativeCamel: 'SECRET-native-camel-case',
  claudeApiError: 'SECRET-claude-api-error: prompt quoted here',
  claudePrompt: 'SECRET-claude-prompt',
  claudeCompactionError: 'SECRET-claude-compaction-error',
  codexError: 'SECRET-codex-error-message',
  geminiArgs: 'SECRET-gemini-function-args',
  geminiToolError: 'SECRET-gemini-tool-error',
  geminiApiError: 'SECRET-gemini-api-error',
  spanStatus: 'SECRET-span-status-message',
  spanErrorAttr: 'SECRET-span-error-attribute',
  spanException: 'SECRET-span-exception',
  hookPrompt: 'SECRET-hook-prompt',
  hookCommand: 'SECRET-hook-command',
  hookError: 'SECRET-hook-error',
  hookNotification: 'SECRET-hook-notification',
  hookErrorDetails: 'SECRET-hook-error-details',
  hookLastMessage: 'SECRET-hook-last-message',
  importPrompt: 'SECRET-import-prompt',
  importAnswer: 'SECRET-import-answer',
  importToolInput: 'SECRET-import-tool-input',
  importToolOutput: 'SECRET-import-tool-output',
  importApiError: 'SECRET-import-api-error',
  codexImportPrompt: 'SECRET-codex-import-prompt',
  codexImportArgs: 'SECRET-codex-import-arguments',
  codexImportOutput: 'SECRET-codex-import-output',
};

/** Secrets no source keeps even with storage on (sizes only, by design). */
const NEVER_KEPT = new Set([
  S.hookLastMessage,
  S.importPrompt,
  S.importAnswer,
  S.importToolInput,
  S.importToolOutput,
  S.importApiError,
  S.codexImportPrompt,
  S.codexImportArgs,
  S.codexImportOutput,
]);

const T0 = Date.parse('2026-11-20T10:00:00Z');
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

async function sendNative(server: TestServer): Promise<void> {
  const one = await server.post('/api/events', {
    session_id: 'priv-native',
    agent_type: 'my_agent',
    event_type: 'api_error',
    client_timestamp: iso(0),
    prompt_text: S.nativeTopLevel, // unknown top-level fields land in metadata
    metadata: {
      prompt: S.nativePrompt,
      tool_input: { command: S.nativeToolInput, file_path: '/repo/a.ts' },
      details: { error: { message: S.nativeNestedError }, attempt: 2 },
      toolOutput: S.nativeCamel,
      output: 42,
      reason: 'exit',
    },
  });
  expect(one.status).toBe(201);
  const batch = await server.post('/api/events/batch', {
    events: [
      {
        session_id: 'priv-native',
        agent_type: 'my_agent',
        event_type: 'tool_use',
        tool_name: 'Bash',
        status: 'error',
        client_timestamp: iso(1),
        metadata: { command: S.nativeCommand, tool_output: S.nativeToolOutput, error_message: S.nativeErrorMessage },
      },
    ],
  });
  expect(batch.body.ids).toHaveLength(1);
}

function loggerFor(service: string, memory: InMemoryLogRecordExporter) {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [new SimpleLogRecordProcessor(memory)],
  });
  return provider.getLogger(service);
}

async function sendOtlpLogs(server: TestServer): Promise<void> {
  const memory = new InMemoryLogRecordExporter();
  const claude = loggerFor('claude-code', memory);
  const claudeCommon = { 'session.id': 'priv-claude', 'prompt.id': 'pp-1' };
  claude.emit({ body: 'claude_code.user_prompt', attributes: { ...claudeCommon, 'event.name': 'user_prompt', prompt: S.claudePrompt, prompt_length: String(S.claudePrompt.length) } });
  claude.emit({
    body: 'claude_code.api_error',
    attributes: {
      ...claudeCommon,
      'event.name': 'api_error',
      model: 'claude-sonnet-4-6',
      error: `${S.claudeApiError} {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
      status_code: 529,
      attempt: 3,
      duration_ms: 1200,
    },
  });
  claude.emit({ body: 'claude_code.compaction', attributes: { ...claudeCommon, 'event.name': 'compaction', success: 'false', error: S.claudeCompactionError } });
  const codex = loggerFor('codex_exec', memory);
  codex.emit({
    attributes: {
      'event.name': 'codex.api_request',
      'conversation.id': 'priv-codex',
      'http.response.status_code': 500,
      'error.message': S.codexError,
      attempt: 1,
      duration_ms: 30,
    },
  });
  const gemini = loggerFor('gemini-cli', memory);
  gemini.emit({
    attributes: {
      'event.name': 'gemini_cli.tool_call',
      'session.id': 'priv-gemini',
      function_name: 'run_shell_command',
      function_args: S.geminiArgs,
      success: false,
      error: S.geminiToolError,
      error_type: 'execution_failed',
      duration_ms: 7,
    },
  });
  gemini.emit({ attributes: { 'event.name': 'gemini_cli.api_error', 'session.id': 'priv-gemini', model: 'gemini-2.5-pro', error: S.geminiApiError, status_code: 400 } });

  const exporter = new OTLPLogExporter({ url: `${server.url}/v1/logs` });
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(memory.getFinishedLogRecords(), resolve));
  await exporter.shutdown();
  expect(result.error?.message).toBeUndefined();
  expect(result.code).toBe(0);
}

async function sendOtlpSpans(server: TestServer): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'claude-code' }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${server.url}/v1/traces` }))],
  });
  const span = provider.getTracer('com.anthropic.claude_code').startSpan('claude_code.llm_request', {
    attributes: { 'session.id': 'priv-claude', 'error.message': S.spanErrorAttr, 'gen_ai.usage.input_tokens': 3 },
  });
  span.recordException({ name: 'Error', message: S.spanException });
  span.setStatus({ code: SpanStatusCode.ERROR, message: S.spanStatus });
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
}

async function sendHooks(server: TestServer): Promise<void> {
  const base = { session_id: 'priv-hook', cwd: '/tmp/priv', transcript_path: '/tmp/priv/t.jsonl' };
  const bodies = [
    { ...base, hook_event_name: 'UserPromptSubmit', prompt: S.hookPrompt, prompt_id: 'hp-1' },
    { ...base, hook_event_name: 'PostToolUseFailure', tool_name: 'Bash', tool_use_id: 'toolu_h1', tool_input: { command: S.hookCommand }, error: `${S.hookError}\nsecond line` },
    { ...base, hook_event_name: 'Notification', message: S.hookNotification, notification_type: 'permission_prompt' },
    { ...base, hook_event_name: 'StopFailure', error: 'rate_limit', error_details: S.hookErrorDetails, last_assistant_message: S.hookLastMessage },
  ];
  for (const body of bodies) {
    const res = await fetch(`${server.url}/api/hooks/claude-code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
  }
  for (let i = 0; i < 200 && (await server.get('/api/hooks/stats')).body.pending_commits > 0; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
}

function writeOld(file: string, lines: unknown[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  utimesSync(file, OLD, OLD); // a finished file: everything in it is final
}

async function sendImports(server: TestServer): Promise<void> {
  const sid = '9e0c7c1e-1111-4222-8333-444455556666';
  const common = { sessionId: sid, cwd: '/work/priv', gitBranch: 'main', version: '2.1.331', isSidechain: false };
  const usage = { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
  const projects = path.join(server.dir, 'claude-projects');
  writeOld(path.join(projects, '-work-priv', `${sid}.jsonl`), [
    { ...common, type: 'user', uuid: 'u1', timestamp: '2026-02-01T10:00:00.000Z', message: { role: 'user', content: S.importPrompt } },
    {
      ...common, type: 'assistant', uuid: 'a1', requestId: 'req_priv_1', timestamp: '2026-02-01T10:00:02.000Z',
      message: {
        id: 'msg_priv_1', role: 'assistant', model: 'claude-sonnet-4-6', usage, stop_reason: 'tool_use',
        content: [{ type: 'text', text: S.importAnswer }, { type: 'tool_use', id: 'toolu_priv_1', name: 'Bash', input: { command: S.importToolInput } }],
      },
    },
    {
      ...common, type: 'user', uuid: 'u2', timestamp: '2026-02-01T10:00:03.000Z',
      message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_priv_1', content: S.importToolOutput, is_error: true }] },
    },
    {
      ...common, type: 'assistant', uuid: 'a2', requestId: 'req_priv_2', isApiErrorMessage: true, timestamp: '2026-02-01T10:00:05.000Z',
      message: { id: 'msg_priv_2', role: 'assistant', model: 'claude-sonnet-4-6', usage, content: [{ type: 'text', text: S.importApiError }] },
    },
  ]);
  const claude = await runImportCli(server, ['--source', 'claude-code', '--path', projects]);
  expect(claude.summary.stored).toBe(3); // two responses and one tool call

  const thread = '77777777-7777-4777-8777-777777777777';
  const sessions = path.join(server.dir, 'codex-sessions');
  const at = (s: number) => `2026-02-02T03:04:${String(5 + s).padStart(2, '0')}.000Z`;
  writeOld(path.join(sessions, '2026', '02', '02', `rollout-2026-02-02T03-04-05-${thread}.jsonl`), [
    { timestamp: at(0), type: 'session_meta', payload: { id: thread, timestamp: at(0), cwd: '/work/priv', originator: 'codex_cli_rs', cli_version: '0.169.0' } },
    { timestamp: at(1), type: 'turn_context', payload: { cwd: '/work/priv', model: 'gpt-5.2-codex' } },
    { timestamp: at(2), type: 'event_msg', payload: { type: 'user_message', message: S.codexImportPrompt } },
    { timestamp: at(3), type: 'response_item', payload: { type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: S.codexImportArgs }), call_id: 'call-priv-1' } },
    { timestamp: at(4), type: 'response_item', payload: { type: 'function_call_output', call_id: 'call-priv-1', output: `Exit code: 1\n${S.codexImportOutput}` } },
  ]);
  const codex = await runImportCli(server, ['--source', 'codex', '--path', sessions]);
  expect(codex.summary.stored).toBe(1); // the tool call
}

async function sendEverything(server: TestServer): Promise<void> {
  await sendNative(server);
  await sendOtlpLogs(server);
  await sendOtlpSpans(server);
  await sendHooks(server);
  await sendImports(server);
}

const SESSIONS = ['priv-native', 'priv-claude', 'priv-codex', 'priv-gemini', 'priv-hook', '9e0c7c1e-1111-4222-8333-444455556666', '77777777-7777-4777-8777-777777777777'];

/** Everything the read API shows about the test's sessions: events, spans, session rows, the feed. */
async function apiText(server: TestServer): Promise<string> {
  const parts: unknown[] = [(await server.get('/api/events?limit=1000')).body];
  for (const id of SESSIONS) {
    const detail = await server.get(`/api/sessions/${encodeURIComponent(id)}`);
    expect(detail.status).toBe(200);
    parts.push(detail.body);
  }
  parts.push((await server.get('/api/sessions?limit=100')).body);
  return JSON.stringify(parts);
}

/** The database's bytes once the server has stopped (its WAL checkpointed into the file). */
function databaseBytes(dbPath: string): string {
  let bytes = readFileSync(dbPath).toString('latin1');
  for (const side of ['-wal', '-journal']) if (existsSync(dbPath + side)) bytes += readFileSync(dbPath + side).toString('latin1');
  return bytes;
}

const byType = (events: any[], type: string) => events.filter((e) => e.event_type === type);

describe('user content with prompt storage off (the default)', () => {
  let server: TestServer;
  let text: string;
  let events: Record<string, any[]>;
  beforeAll(async () => {
    server = await startTestServer();
    await sendEverything(server);
    text = await apiText(server);
    events = {};
    for (const id of SESSIONS) events[id] = (await server.get(`/api/sessions/${encodeURIComponent(id)}`)).body.events;
  });
  afterAll(async () => server?.cleanup());

  it.each(Object.entries(S))('the API never shows %s', (_name, secret) => {
    expect(text).not.toContain(secret);
  });

  it('keeps sizes and safe facts of native metadata, at any depth and in any key spelling', () => {
    const [error] = byType(events['priv-native'], 'api_error');
    expect(error.metadata).toMatchObject({
      prompt_length: S.nativePrompt.length,
      prompt_text_length: S.nativeTopLevel.length,
      toolOutput_length: S.nativeCamel.length,
      output: 42, // a number carries no text
      reason: 'exit',
      details: { attempt: 2 },
    });
    expect(error.metadata.tool_input_bytes).toBeGreaterThan(S.nativeToolInput.length);
    expect(error.metadata.details.error_bytes).toBeGreaterThan(S.nativeNestedError.length);
    const [tool] = byType(events['priv-native'], 'tool_use');
    expect(tool.metadata).toEqual({ command_length: S.nativeCommand.length, tool_output_length: S.nativeToolOutput.length, error_message_length: S.nativeErrorMessage.length });
  });

  it("keeps an OTLP api_error's status, attempt and error type, not its text", () => {
    const [apiError] = byType(events['priv-claude'], 'api_error');
    expect(apiError).toMatchObject({ status: 'error', model: 'claude-sonnet-4-6' });
    expect(apiError.metadata).toMatchObject({ status_code: 529, attempt: 3, error_type: 'overloaded_error' });
    expect(apiError.metadata.error_length).toBeGreaterThan(S.claudeApiError.length);
    const [codexError] = byType(events['priv-codex'], 'api_error');
    expect(codexError.metadata).toMatchObject({ 'http.response.status_code': 500, 'error.message_length': S.codexError.length });
    const [geminiTool] = byType(events['priv-gemini'], 'tool_use');
    expect(geminiTool.metadata).toMatchObject({ error_type: 'execution_failed', function_args_length: S.geminiArgs.length });
  });

  it('keeps a span\'s status code and sizes, not its status message or error attributes', async () => {
    const spans = (await server.get('/api/sessions/priv-claude')).body.spans as any[];
    const span = spans.find((s) => s.name === 'claude_code.llm_request');
    expect(span).toMatchObject({ status_code: SpanStatusCode.ERROR, status_message: null });
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 3, 'error.message_length': S.spanErrorAttr.length });
    expect(span.extra.status_message_length).toBe(S.spanStatus.length);
    expect(span.extra.events[0].attributes['exception.message_length']).toBe(S.spanException.length);
  });

  it('leaves no secret in the database file', async () => {
    await server.stop();
    const bytes = databaseBytes(server.dbPath);
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes).toContain('priv-native'); // the data is there…
    for (const secret of Object.values(S)) expect(bytes).not.toContain(secret); // …the content is not
  });
});

describe('user content with AGENTSTATS_STORE_PROMPTS=1', () => {
  let server: TestServer;
  let text: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { AGENTSTATS_STORE_PROMPTS: '1' } });
    await sendEverything(server);
    text = await apiText(server);
  });
  afterAll(async () => server?.cleanup());

  it.each(Object.entries(S).filter(([, secret]) => !NEVER_KEPT.has(secret)))('the API shows %s', (_name, secret) => {
    expect(text).toContain(secret);
  });

  it.each(Object.entries(S).filter(([, secret]) => NEVER_KEPT.has(secret)))('%s is never kept, only its size', (_name, secret) => {
    expect(text).not.toContain(secret);
  });

  it('keeps the text in the database file', async () => {
    await server.stop();
    const bytes = databaseBytes(server.dbPath);
    for (const secret of [S.nativePrompt, S.claudeApiError, S.spanStatus, S.hookPrompt]) expect(bytes).toContain(secret);
  });
});
