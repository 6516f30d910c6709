/**
 * Issue 3: each agent's OTLP log mapping, with payloads shaped as the real clients sent them
 * (shared/reference/real-clients-observed.md), through the real server and its query API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributes, logsRequest, nanos, postJson, postRaw, startOtlpServer, type OtlpServer } from './otlp-support.js';

const T0 = '2026-11-24T10:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();

function claudeRecord(name: string, seconds: number, attrs: Record<string, unknown>) {
  return {
    timeUnixNano: nanos(at(seconds)),
    observedTimeUnixNano: nanos(at(seconds)),
    body: { stringValue: `claude_code.${name}` },
    attributes: attributes({
      'event.name': name,
      'event.timestamp': at(seconds),
      'event.sequence': seconds,
      'session.id': 'claude-sess-1',
      'user.id': 'user-abc',
      'terminal.type': 'tmux',
      'anthropic.provider': 'firstParty',
      'anthropic.custom_base_url': true,
      ...attrs,
    }),
  };
}

function codexRecord(name: string | null, seconds: number, attrs: Record<string, unknown>) {
  return {
    timeUnixNano: '0',
    observedTimeUnixNano: nanos(at(seconds)),
    severityNumber: 9,
    severityText: 'INFO',
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: 'eee19b7ec3c1b174',
    eventName: 'event otel/src/events/session_telemetry.rs:703',
    attributes: attributes({
      ...(name ? { 'event.name': name } : {}),
      'event.timestamp': at(seconds),
      'conversation.id': 'codex-conv-1',
      'app.version': '0.169.0',
      originator: 'codex_exec',
      'terminal.type': 'xterm',
      model: 'gpt-5.2-codex',
      slug: 'gpt-5.2-codex',
      ...attrs,
    }),
  };
}

function geminiRecord(name: string, seconds: number, attrs: Record<string, unknown>) {
  return {
    timeUnixNano: nanos(at(seconds)),
    observedTimeUnixNano: nanos(at(seconds)),
    body: { stringValue: `${name} happened` },
    attributes: attributes({
      'event.name': name,
      'event.timestamp': at(seconds),
      'session.id': 'gemini-sess-1',
      'installation.id': 'inst-1',
      interactive: false,
      auth_type: 'gemini-api-key',
      ...attrs,
    }),
  };
}

describe('OTLP agent mappings', () => {
  let server: OtlpServer;
  beforeAll(async () => {
    server = await startOtlpServer();
  });
  afterAll(async () => server.cleanup());

  it('maps Claude Code events: api_request tokens with cache and reported cost, prompts, tools', async () => {
    const api = (s: number, extra: Record<string, unknown>) =>
      claudeRecord('api_request', s, {
        'prompt.id': 'prompt-1',
        model: 'claude-sonnet-4-6',
        query_source: 'sdk',
        effort: 'medium',
        speed: 'normal',
        cache_creation_5m_tokens: 0,
        cache_creation_1h_tokens: 0,
        ttft_ms: 400,
        ...extra,
      });
    const body = logsRequest(
      { 'service.name': 'claude-code', 'service.version': '2.1.331', 'os.type': 'linux', 'os.version': '6.1', 'host.arch': 'amd64' },
      'com.anthropic.claude_code.events',
      [
        claudeRecord('user_prompt', 1, {
          'prompt.id': 'prompt-1',
          prompt: 'fix the secret bug',
          prompt_text: 'fix the secret bug',
          prompt_length: '18',
          'message.uuid': 'm-1',
        }),
        api(2, { input_tokens: 3, output_tokens: 412, cache_read_tokens: 45210, cache_creation_tokens: 1893,
          cost_usd: 0.0267813, cost_usd_micros: 26781, duration_ms: 8123, request_id: 'req_011Example' }),
        claudeRecord('tool_decision', 3, { 'prompt.id': 'prompt-1', tool_name: 'Bash', decision: 'accept', source: 'config', tool_source: 'builtin' }),
        claudeRecord('tool_result', 4, {
          'prompt.id': 'prompt-1',
          tool_name: 'Bash',
          tool_use_id: 'toolu_01',
          success: 'true',
          duration_ms: '123',
          tool_parameters: '{"bash_command":"ls"}',
          tool_input_size_bytes: '20',
          error: 'ls: cannot access secret-dir',
        }),
        api(5, { input_tokens: 10, output_tokens: 20, cache_read_tokens: 100, cache_creation_tokens: 0,
          cost_usd: 0.001, cost_usd_micros: 1000, duration_ms: 900 }),
        claudeRecord('hook_execution_start', 6, { hook_event: 'Stop', num_hooks: '1' }),
      ],
    );
    const res = await postJson(server, '/v1/logs', body);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});

    const detail = await server.get('/api/sessions/claude-sess-1');
    expect(detail.status).toBe(200);
    const s = detail.body.session;
    expect(s.agent_type).toBe('claude_code');
    expect([s.tokens_in, s.tokens_out, s.cache_read_tokens, s.cache_write_tokens]).toEqual([13, 432, 45310, 1893]);
    expect(s.cost_usd).toBeCloseTo(0.0277813, 6); // the API shows session costs to the micro-dollar
    expect([s.api_request_count, s.tool_count, s.prompt_count]).toEqual([2, 1, 1]);
    expect(s.metadata).toMatchObject({ 'service.name': 'claude-code', 'service.version': '2.1.331', 'os.type': 'linux', 'user.id': 'user-abc' });
    expect(s.models).toEqual(['claude-sonnet-4-6']);

    const events = detail.body.events as any[];
    const byType = (t: string) => events.filter((e) => e.event_type === t);
    expect(events.map((e) => e.event_type).sort()).toEqual(
      ['api_request', 'api_request', 'hook_execution_start', 'tool_decision', 'tool_use', 'user_prompt'],
    );
    const first = byType('api_request').find((e) => e.request_id === 'req_011Example');
    expect(first).toMatchObject({ cost_source: 'reported', correlation_key: 'api:req_011Example', duration_ms: 8123, source: 'otlp' });
    expect(first.client_timestamp).toBe(at(2));
    const prompt = byType('user_prompt')[0];
    expect(prompt).toMatchObject({ prompt_id: 'prompt-1', correlation_key: 'prompt:claude-sess-1:prompt-1' });
    expect(prompt.metadata.prompt_length).toBe(18);
    expect(JSON.stringify(prompt.metadata)).not.toContain('secret bug');
    const tool = byType('tool_use')[0];
    expect(tool).toMatchObject({ tool_name: 'Bash', tool_use_id: 'toolu_01', status: 'success', duration_ms: 123,
      correlation_key: 'tool:claude-sess-1:toolu_01' });
    expect(tool.metadata.tool_parameters).toBeUndefined(); // tool input is as private as a prompt
    expect(tool.metadata.tool_parameters_length).toBe('{"bash_command":"ls"}'.length);
    expect(tool.metadata.error).toBeUndefined(); // a tool's error text quotes what it saw
    expect(tool.metadata.error_length).toBe('ls: cannot access secret-dir'.length);
    expect(byType('tool_decision')[0].metadata.decision).toBe('accept');
  });

  it('maps Codex events: one api_request per model call, cached and reasoning tokens split', async () => {
    const completed = { 'event.kind': 'response.completed' };
    const records = [
      codexRecord('codex.conversation_starts', 1, { provider_name: 'openai', approval_policy: 'never' }),
      codexRecord('codex.user_prompt', 2, { prompt: '[REDACTED]', prompt_length: { stringValue: '12' } }),
      codexRecord('codex.api_request', 3, { attempt: { intValue: '1' }, duration_ms: { stringValue: '850' },
        'http.response.status_code': { intValue: '200' }, endpoint: '/responses' }),
      codexRecord('codex.sse_event', 4, { 'event.kind': 'response.created', duration_ms: { stringValue: '10' } }),
      codexRecord('codex.sse_event', 5, { ...completed, duration_ms: { stringValue: '900' } }),
      codexRecord('codex.sse_event', 5, {
        ...completed,
        input_token_count: { stringValue: '5770' },
        output_token_count: { stringValue: '71' },
        cached_token_count: { intValue: '4700' },
        reasoning_token_count: { intValue: '14' },
        cache_write_token_count: { intValue: '0' },
        tool_token_count: { stringValue: '5841' },
        ttft_ms: { intValue: '300' },
      }),
      codexRecord('codex.tool_decision', 6, { tool_name: 'exec_command', call_id: 'call_1', decision: 'approved', source: 'Config' }),
      codexRecord('codex.tool_result', 7, { tool_name: 'exec_command', call_id: 'call_1', arguments: '{"cmd":"ls"}',
        output: 'a\nb\n', output_truncated: false, success: 'true', duration_ms: { stringValue: '15' } }),
    ];
    const debug = { ...codexRecord(null, 8, {}), severityNumber: 5, severityText: 'DEBUG', body: { stringValue: 'flushing OTEL metrics' } };
    const body = {
      resourceLogs: [
        {
          resource: { attributes: attributes({ 'service.name': 'codex_exec', 'service.version': '0.169.0', env: 'dev', 'host.name': 'box' }) },
          scopeLogs: [
            { scope: { name: 'codex_otel.log_only' }, logRecords: records },
            { scope: { name: 'codex_otel::metrics::client' }, logRecords: [debug] },
          ],
        },
      ],
    };
    // Codex pretty-prints its JSON.
    const res = await postRaw(server, '/v1/logs', JSON.stringify(body, null, 2), { contentType: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});

    const detail = await server.get('/api/sessions/codex-conv-1');
    const s = detail.body.session;
    expect(s.agent_type).toBe('codex');
    expect([s.tokens_in, s.cache_read_tokens, s.tokens_out, s.reasoning_tokens]).toEqual([1070, 4700, 71, 14]);
    expect([s.api_request_count, s.tool_count, s.prompt_count]).toEqual([1, 1, 1]);
    expect(s.metadata).toMatchObject({ 'service.name': 'codex_exec', 'service.version': '0.169.0', 'host.name': 'box' });
    const events = detail.body.events as any[];
    expect(events).toHaveLength(8); // the DEBUG record without event.name is not an event
    expect(events.map((e) => e.event_type).sort()).toEqual(
      ['api_attempt', 'api_request', 'session_start', 'sse_event', 'sse_event', 'tool_decision', 'tool_use', 'user_prompt'],
    );
    const api = events.find((e) => e.event_type === 'api_request');
    expect(api.client_timestamp).toBe(at(5)); // timeUnixNano "0": observedTimeUnixNano is the time
    expect(api.model).toBe('gpt-5.2-codex');
    expect(JSON.stringify(api.metadata)).not.toContain('5841');
    const tool = events.find((e) => e.event_type === 'tool_use');
    expect(tool).toMatchObject({ tool_name: 'exec_command', tool_use_id: 'call_1', status: 'success', duration_ms: 15,
      correlation_key: 'tool:codex-conv-1:call_1' });
    expect(tool.metadata).toMatchObject({ output_length: 4, arguments_length: 12, output_truncated: false });
    expect(tool.metadata.output).toBeUndefined();
    expect(events.find((e) => e.event_type === 'session_start').correlation_key).toBe('session-start:codex-conv-1');
    expect(events.find((e) => e.event_type === 'tool_decision').metadata).toMatchObject({ decision: 'approved', source: 'config' });
  });

  it('maps Gemini CLI events sent chunked: api_response tokens with cached content and thoughts', async () => {
    const body = logsRequest(
      {
        'service.name': 'gemini-cli',
        'service.version': 'v20.20.2',
        'session.id': 'gemini-sess-1',
        'host.name': 'box',
        'process.pid': 4242,
        'process.command_args': ['node', 'gemini', '-p', 'my secret prompt'],
      },
      'gemini-cli',
      [
        geminiRecord('gemini_cli.config', 1, { model: 'gemini-3.8-flash', approval_mode: 'yolo', mcp_tools: {} }),
        geminiRecord('gemini_cli.user_prompt', 2, { prompt: 'my secret prompt', prompt_id: 'gp-1', prompt_length: 16 }),
        geminiRecord('gemini_cli.api_request', 3, { model: 'gemini-3.8-flash', prompt_id: 'gp-1', request_text: 'my secret prompt' }),
        geminiRecord('gemini_cli.api_response', 4, {
          model: 'gemini-3.8-flash', prompt_id: 'gp-1', status_code: 200, 'http.status_code': 200, duration_ms: 1200,
          input_token_count: 1000, output_token_count: 50, cached_content_token_count: 600, thoughts_token_count: 30,
          tool_token_count: 0, total_token_count: 1080, finish_reasons: ['STOP'], response_text: 'the answer', role: 'model',
          extension_id: {},
        }),
        geminiRecord('gemini_cli.tool_call', 5, { function_name: 'run_shell_command', function_args: '{\n  "command": "ls"\n}',
          success: true, decision: 'accept', duration_ms: 30, tool_type: 'native', content_length: 10, prompt_id: 'gp-1' }),
        geminiRecord('gen_ai.client.inference.operation.details', 6, { 'gen_ai.input.messages': 'my secret prompt' }),
      ],
    );
    // Gemini CLI sends Transfer-Encoding: chunked without Content-Length.
    const text = JSON.stringify(body);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < text.length; i += 500) controller.enqueue(new TextEncoder().encode(text.slice(i, i + 500)));
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/api/otel/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});

    const detail = await server.get('/api/sessions/gemini-sess-1');
    const s = detail.body.session;
    expect(s.agent_type).toBe('gemini_cli');
    expect([s.tokens_in, s.cache_read_tokens, s.tokens_out, s.reasoning_tokens]).toEqual([400, 600, 80, 30]);
    expect([s.api_request_count, s.tool_count, s.prompt_count]).toEqual([1, 1, 1]);
    expect(s.metadata['host.name']).toBe('box');
    expect(s.metadata['process.command_args']).toBeUndefined();
    const events = detail.body.events as any[];
    expect(JSON.stringify(events)).not.toContain('secret');
    expect(events.map((e) => e.event_type).sort()).toEqual(
      ['api_request', 'api_request_start', 'gen_ai.client.inference.operation.details', 'session_start', 'tool_use', 'user_prompt'],
    );
    expect(events.find((e) => e.event_type === 'user_prompt')).toMatchObject({ correlation_key: 'prompt:gemini-sess-1:gp-1' });
    expect(events.find((e) => e.event_type === 'tool_use')).toMatchObject({ tool_name: 'run_shell_command', status: 'success', duration_ms: 30 });
    const api = events.find((e) => e.event_type === 'api_request');
    expect(api.metadata.extension_id).toBeUndefined(); // empty AnyValue = no value
    expect(api.metadata.finish_reasons).toEqual(['STOP']);
  });

  it('keeps prompt text only when AGENTSTATS_STORE_PROMPTS=1', async () => {
    const withPrompts = await startOtlpServer({ AGENTSTATS_STORE_PROMPTS: '1', AGENTSTATS_GRPC_PORT: 'off' });
    try {
      const record = claudeRecord('user_prompt', 1, { 'session.id': 'sp-1', 'prompt.id': 'p', prompt: 'hello there', prompt_length: '11' });
      const res = await postJson(withPrompts, '/v1/logs', logsRequest({ 'service.name': 'claude-code' }, 'x', [record]));
      expect(res.status).toBe(200);
      const events = (await withPrompts.get('/api/events?session_id=sp-1')).body.events;
      expect(events[0].metadata).toMatchObject({ prompt: 'hello there', prompt_length: 11 });
    } finally {
      await withPrompts.cleanup();
    }
  });

  it('stores a re-sent export once (deterministic event ids)', async () => {
    const record = claudeRecord('api_request', 9, { 'session.id': 'retry-1', input_tokens: 5, output_tokens: 5, cost_usd: 0.5 });
    const body = logsRequest({ 'service.name': 'claude-code' }, 'x', [record]);
    expect((await postJson(server, '/v1/logs', body)).status).toBe(200);
    expect((await postJson(server, '/api/otel/v1/logs', body, true)).status).toBe(200);
    const s = (await server.get('/api/sessions/retry-1')).body.session;
    expect([s.event_count, s.tokens_in, s.cost_usd]).toEqual([1, 5, 0.5]);
  });
});
