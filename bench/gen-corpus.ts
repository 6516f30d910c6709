/**
 * Generates a synthetic agent history shaped like a real one, for the import benchmark:
 *   <out>/claude/projects/<project>/<session>.jsonl (+ <session>/subagents/agent-<id>.jsonl)
 *   <out>/codex/sessions/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl
 * Many small transcripts, a few very large ones; split assistant lines with growing usage snapshots,
 * tool calls with bulky results, progress and file-snapshot noise, Codex rollouts with cumulative
 * token_count events (some re-emitted unchanged). Deterministic for a given --seed.
 *
 *   npm run bench:gen-corpus -- --out=bench/corpus --size-mb=600
 */
import { closeSync, mkdirSync, openSync, rmSync, utimesSync, writeSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rng } from './lib/stats.js';

const MB = 1024 * 1024;

class Gen {
  readonly rand: () => number;
  private readonly filler: string;
  private counter = 0;

  constructor(seed: number) {
    this.rand = rng(seed);
    const words = 'the a function return const value file test error build module import type data line session tool model token cache read write export async await config server client request response'.split(' ');
    const parts: string[] = [];
    let len = 0;
    while (len < 2 * MB) {
      const w = words[Math.floor(this.rand() * words.length)];
      parts.push(w);
      len += w.length + 1;
    }
    this.filler = parts.join(' ');
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.rand() * (max - min + 1));
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rand() * list.length)];
  }
  text(bytes: number): string {
    const start = Math.floor(this.rand() * (this.filler.length - bytes - 1));
    return this.filler.slice(start, start + bytes);
  }
  id(prefix: string): string {
    return `${prefix}${(++this.counter).toString(36).padStart(8, '0')}${Math.floor(this.rand() * 1e9).toString(36)}`;
  }
  uuid(): string {
    const h = () => Math.floor(this.rand() * 0x10000).toString(16).padStart(4, '0');
    return `${h()}${h()}-${h()}-4${h().slice(1)}-8${h().slice(1)}-${h()}${h()}${h()}`;
  }
}

/** Buffered line writer: a few large writes instead of one per line. */
class Out {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  written = 0;
  constructor(file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }
  line(obj: unknown): void {
    const s = JSON.stringify(obj) + '\n';
    this.parts.push(s);
    this.pending += s.length;
    this.written += s.length;
    if (this.pending > MB) this.flush();
  }
  flush(): void {
    if (this.parts.length) writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A history file was last written when its last entry was: an old session, finished. */
function settle(file: string, lastMs: number): void {
  const when = new Date(lastMs);
  utimesSync(file, when, when);
}

const CLAUDE_MODELS = ['claude-opus-4-6', 'claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001'] as const;
const TOOLS = ['Bash', 'Read', 'Edit', 'Grep', 'Glob', 'Write', 'WebFetch', 'mcp__github__search'] as const;

interface ClaudeSession {
  file: string;
  sessionId: string;
  cwd: string;
  agentId?: string;
  startMs: number;
  bytes: number;
}

function writeClaude(g: Gen, s: ClaudeSession): { bytes: number; responses: number; tools: number } {
  const out = new Out(s.file);
  let t = s.startMs;
  let responses = 0;
  let tools = 0;
  const base = {
    isSidechain: s.agentId !== undefined,
    userType: 'external',
    cwd: s.cwd,
    sessionId: s.sessionId,
    version: '2.1.38',
    gitBranch: g.pick(['main', 'main', 'feature/import', 'fix/cost']),
    ...(s.agentId ? { agentId: s.agentId } : {}),
  };
  const stamp = () => new Date((t += g.int(200, 20_000))).toISOString();
  let cacheRead = g.int(10_000, 30_000);
  const model = g.pick(CLAUDE_MODELS);
  while (out.written < s.bytes) {
    out.line({ ...base, type: 'user', uuid: g.uuid(), timestamp: stamp(), message: { role: 'user', content: g.text(g.int(40, 800)) } });
    const calls = g.int(1, 8);
    for (let c = 0; c < calls && out.written < s.bytes; c++) {
      const msgId = g.id('msg_');
      const reqId = g.id('req_');
      const blocks = g.int(1, 4);
      const toolIds: string[] = [];
      const input = g.int(1, 60);
      const write = g.int(0, 9000);
      const finalOut = g.int(5, 1200);
      cacheRead += g.int(100, 4000);
      for (let b = 0; b < blocks; b++) {
        const last = b === blocks - 1;
        const kind = b === 0 && g.rand() < 0.5 ? 'thinking' : last && g.rand() < 0.7 ? 'tool_use' : 'text';
        let block: Record<string, unknown>;
        if (kind === 'tool_use') {
          const id = g.id('toolu_');
          toolIds.push(id);
          block = { type: 'tool_use', id, name: g.pick(TOOLS), input: { command: g.text(g.int(20, 400)) } };
        } else if (kind === 'thinking') block = { type: 'thinking', thinking: g.text(g.int(200, 3000)), signature: g.text(300) };
        else block = { type: 'text', text: g.text(g.int(50, 2500)) };
        out.line({
          ...base,
          type: 'assistant',
          uuid: g.uuid(),
          timestamp: stamp(),
          requestId: reqId,
          message: {
            id: msgId,
            type: 'message',
            role: 'assistant',
            model,
            content: [block],
            stop_reason: null,
            stop_sequence: null,
            usage: {
              input_tokens: input,
              cache_creation_input_tokens: write,
              cache_read_input_tokens: cacheRead,
              cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: write },
              output_tokens: last ? finalOut : g.int(1, 30),
              service_tier: 'standard',
            },
          },
        });
        if (g.rand() < 0.3) out.line({ ...base, type: 'progress', uuid: g.uuid(), timestamp: stamp(), data: { type: 'hook_progress', hookEvent: 'PostToolUse', output: g.text(g.int(50, 600)) } });
      }
      responses++;
      for (const id of toolIds) {
        tools++;
        const content = g.text(g.int(200, 20_000));
        out.line({
          ...base,
          type: 'user',
          uuid: g.uuid(),
          timestamp: stamp(),
          message: { role: 'user', content: [{ tool_use_id: id, type: 'tool_result', content, is_error: g.rand() < 0.05 }] },
          toolUseResult: { stdout: content, stderr: '', interrupted: false },
        });
      }
    }
    if (g.rand() < 0.15) {
      out.line({ type: 'file-history-snapshot', messageId: g.uuid(), snapshot: { trackedFileBackups: { 'src/app.ts': { backup: g.text(g.int(2000, 60_000)) } } } });
    }
  }
  out.close();
  settle(s.file, t);
  return { bytes: out.written, responses, tools };
}

function writeCodex(g: Gen, file: string, threadId: string, startMs: number, bytes: number): { bytes: number; calls: number } {
  const out = new Out(file);
  let t = startMs;
  const stamp = () => new Date((t += g.int(300, 30_000))).toISOString();
  out.line({ timestamp: stamp(), type: 'session_meta', payload: { id: threadId, timestamp: new Date(t).toISOString(), cwd: `/home/dev/svc-${g.int(1, 30)}`, originator: 'codex_cli_rs', cli_version: '0.169.0', source: 'cli', model_provider: 'openai', base_instructions: { text: g.text(8000) }, git: { branch: 'main' } } });
  const total = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 };
  let calls = 0;
  while (out.written < bytes) {
    out.line({ timestamp: stamp(), type: 'turn_context', payload: { cwd: '/home/dev/svc', model: g.pick(['gpt-5.2-codex', 'gpt-5.3-codex']), approval_policy: 'on-request', sandbox_policy: { type: 'workspace-write' } } });
    const prompt = g.text(g.int(30, 600));
    out.line({ timestamp: stamp(), type: 'event_msg', payload: { type: 'user_message', message: prompt } });
    out.line({ timestamp: stamp(), type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] } });
    for (let k = g.int(1, 6); k > 0; k--) {
      out.line({ timestamp: stamp(), type: 'response_item', payload: { type: 'reasoning', summary: [{ type: 'summary_text', text: g.text(200) }], encrypted_content: g.text(g.int(1000, 8000)) } });
      const callId = g.id('call_');
      out.line({ timestamp: stamp(), type: 'response_item', payload: { type: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: g.text(60) }), call_id: callId } });
      out.line({ timestamp: stamp(), type: 'response_item', payload: { type: 'function_call_output', call_id: callId, output: `Exit code: ${g.rand() < 0.1 ? 1 : 0}\n${g.text(g.int(100, 12_000))}` } });
      const input = g.int(5000, 40_000);
      const output = g.int(50, 2000);
      total.input_tokens += input;
      total.cached_input_tokens += Math.floor(input * 0.8);
      total.output_tokens += output;
      total.reasoning_output_tokens += Math.floor(output * 0.5);
      total.total_tokens += input + output;
      calls++;
      const info = { total_token_usage: { ...total }, model_context_window: 272000 };
      out.line({ timestamp: stamp(), type: 'event_msg', payload: { type: 'token_count', info, rate_limits: { primary: { used_percent: g.int(0, 100), window_minutes: 300 } } } });
      // Codex re-emits the same snapshot on rate-limit refreshes: must not count twice.
      if (g.rand() < 0.3) out.line({ timestamp: stamp(), type: 'event_msg', payload: { type: 'token_count', info, rate_limits: null } });
    }
    out.line({ timestamp: stamp(), type: 'event_msg', payload: { type: 'agent_message', message: g.text(g.int(100, 1500)) } });
  }
  out.close();
  settle(file, t);
  return { bytes: out.written, calls };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: path.join('bench', 'corpus') },
      'size-mb': { type: 'string', default: '600' },
      seed: { type: 'string', default: '42' },
    },
  });
  const sizeMb = Number(values['size-mb']);
  if (!Number.isFinite(sizeMb) || sizeMb < 1) throw new Error('--size-mb must be a positive number');
  const outDir = path.resolve(values.out);
  rmSync(outDir, { recursive: true, force: true });
  const g = new Gen(Number(values.seed));
  const budget = sizeMb * MB;
  const start = Date.UTC(2026, 0, 5);
  const span = 60 * 24 * 3_600_000;
  let bytes = 0;
  let files = 0;
  let expectedEvents = 0;

  // Claude: 4 very large transcripts (a third of the corpus), then many small ones, 1 in 8 with a subagent.
  const claudeBudget = budget * 0.85;
  const large = 4;
  for (let i = 0; i < large; i++) {
    const sessionId = g.uuid();
    const cwd = `/home/dev/monorepo-${i}`;
    const r = writeClaude(g, { file: path.join(outDir, 'claude', 'projects', cwd.replace(/[^a-z0-9]/gi, '-'), `${sessionId}.jsonl`), sessionId, cwd, startMs: start + g.rand() * span, bytes: (claudeBudget / 3) / large });
    bytes += r.bytes;
    files++;
    expectedEvents += r.responses + r.tools;
  }
  while (bytes < claudeBudget) {
    const sessionId = g.uuid();
    const cwd = `/home/dev/project-${g.int(1, 40)}`;
    const dir = path.join(outDir, 'claude', 'projects', cwd.replace(/[^a-z0-9]/gi, '-'));
    const size = Math.min(4 * MB, Math.exp(g.rand() * 4 + 9.5)); // ~13 KB … ~720 KB, a long tail
    const startMs = start + g.rand() * span;
    const r = writeClaude(g, { file: path.join(dir, `${sessionId}.jsonl`), sessionId, cwd, startMs, bytes: size });
    bytes += r.bytes;
    files++;
    expectedEvents += r.responses + r.tools;
    if (g.rand() < 0.125) {
      const agentId = `a${g.int(1e6, 9e6).toString(16)}`;
      const sub = writeClaude(g, { file: path.join(dir, sessionId, 'subagents', `agent-${agentId}.jsonl`), sessionId, cwd, agentId, startMs, bytes: size / 2 });
      bytes += sub.bytes;
      files++;
      expectedEvents += sub.responses + sub.tools;
    }
  }
  // Codex: one large rollout and many small ones, in dated folders.
  let first = true;
  while (bytes < budget) {
    const thread = g.uuid();
    const when = new Date(start + g.rand() * span);
    const iso = when.toISOString();
    const dir = path.join(outDir, 'codex', 'sessions', iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10));
    const file = path.join(dir, `rollout-${iso.slice(0, 19).replace(/:/g, '-')}-${thread}.jsonl`);
    const size = first ? budget * 0.05 : Math.exp(g.rand() * 3.5 + 10.5);
    first = false;
    const r = writeCodex(g, file, thread, when.getTime(), size);
    bytes += r.bytes;
    files++;
    expectedEvents += r.calls * 2;
  }
  process.stdout.write(
    `wrote ${files} files, ${(bytes / MB).toFixed(1)} MB to ${outDir}\n` +
      `expected events: ${expectedEvents} (API responses + tool calls)\n`,
  );
}

main();
