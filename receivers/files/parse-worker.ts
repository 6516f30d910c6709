/**
 * Piscina worker: parses one byte range of one history file into canonical events. Pure: it reads
 * the file and returns events plus the parser state to resume with; the main thread submits them.
 * Lines are scanned as bytes and only those that can matter are JSON-parsed (a transcript is mostly
 * progress entries, file snapshots and tool output).
 */
import type { FileKind } from '../../collector/core/agents.js';
import type { ChainRef } from '../../collector/core/chain.js';
import { processedBatches, type EventBatch } from './chain.js';

export { checkChain } from './chain.js';
import { ClaudeParser, isUserEntry, USER_PICK, type ClaudeFileContext, type ClaudeState } from './claude.js';
import { CodexParser, type CodexState } from './codex.js';
import { EventSink, type ParseCounters } from './emit.js';
import { scanLines } from './lines.js';
import { pick } from './pick.js';

export type { FileKind } from '../../collector/core/agents.js';

export interface ParseTask {
  path: string;
  kind: FileKind;
  start: number;
  end: number;
  state: Record<string, unknown> | null;
  nowMs: number;
  mtimeMs: number;
  sinceMs: number | null;
  maxBytes: number;
  /** A response still being written is held until the file has been quiet this long. */
  settleResponsesMs: number;
  /** A tool call without a result is recorded as cancelled once the file has been quiet this long. */
  settleCallsMs: number;
  stem: string;
  subagent: ClaudeFileContext['subagent'];
  /** The pipeline's processor chain, run here on the events (null: the pipeline runs it). */
  chain: ChainRef | null;
}

export interface ParseResult {
  /** The events, in order, in submit-sized batches. */
  batches: EventBatch[];
  /** Events made (before the chain dropped any). */
  parsed: number;
  offset: number;
  complete: boolean;
  state: Record<string, unknown>;
  counters: ParseCounters;
}

const CLAUDE_ASSISTANT = Buffer.from('"type":"assistant"');
const CLAUDE_ASSISTANT_ROLE = Buffer.from('"role":"assistant"');
const CLAUDE_TOOL_RESULT = Buffer.from('"tool_result"');
// System lines are few; the parser keeps the turn-end ones (claude.ts TURN_END).
const CLAUDE_SYSTEM = Buffer.from('"type":"system"');
const CODEX_NEEDLES = ['"session_meta"', '"turn_context"', '"token_count"', '_call', '"exec_command_end"'].map((s) =>
  Buffer.from(s),
);

const SKIP = 0;
const PARSE = 1;
/** Only its tool results matter: read with pick(USER_PICK). */
const TOOL_RESULTS = 2;

const ROLE = Buffer.from('"role":"');
const ASSISTANT_ROLE_VALUE = Buffer.from('assistant"');

/**
 * Claude Code writes compact JSON: a line that can matter names its type, holds a tool result or
 * ends a turn. A search that misses reads the whole line, so the first one is for what comes early
 * in both big kinds of line, the message's role; a user line's tool result comes soon after it.
 * The TOOL_RESULTS path is exact for any line (pick reads a user line; anything else is
 * JSON.parsed), so only SKIP needs every needle ruled out.
 */
function claudeWants(line: Buffer): number {
  const role = line.indexOf(ROLE);
  if (role >= 0 && hasAt(line, role + ROLE.length, ASSISTANT_ROLE_VALUE)) return PARSE;
  if (line.indexOf(CLAUDE_TOOL_RESULT) >= 0) return TOOL_RESULTS;
  // None starts before `role` (the first); none at all when role < 0.
  if (role >= 0 && line.indexOf(CLAUDE_ASSISTANT_ROLE, role + 1) >= 0) return PARSE;
  return line.indexOf(CLAUDE_ASSISTANT) >= 0 || line.indexOf(CLAUDE_SYSTEM) >= 0 ? PARSE : SKIP;
}

function hasAt(line: Buffer, at: number, bytes: Buffer): boolean {
  if (at + bytes.length > line.length) return false;
  for (let i = 0; i < bytes.length; i++) if (line[at + i] !== bytes[i]) return false;
  return true;
}

function codexWants(line: Buffer, offset: number): boolean {
  if (offset === 0) return true; // the first line may be a bare (legacy) meta object
  return CODEX_NEEDLES.some((n) => line.indexOf(n) >= 0);
}

/** One small file's outcome in a group task: its result, or why it could not be read. */
export type GroupResult = ParseResult | { failed: string };

/** Several small files in one task (the pool's `parseGroup` export): each read as by parse(). */
export async function parseGroup(tasks: ParseTask[]): Promise<GroupResult[]> {
  const results: GroupResult[] = [];
  for (const task of tasks) {
    try {
      results.push(await parse(task));
    } catch (error) {
      results.push({ failed: error instanceof Error ? error.message : String(error) });
    }
  }
  return results;
}

export default async function parse(task: ParseTask): Promise<ParseResult> {
  const sink = new EventSink(new Date(task.nowMs), task.sinceMs);
  const counters = sink.counters;
  const claude =
    task.kind === 'claude-code'
      ? new ClaudeParser({ stem: task.stem, subagent: task.subagent }, task.state as ClaudeState | null, sink)
      : null;
  const codex = task.kind === 'codex' ? new CodexParser(task.stem, task.state as CodexState | null, sink) : null;
  const quietMs = task.nowMs - task.mtimeMs;

  const scan = scanLines(
    task.path,
    {
      start: task.start,
      end: task.end,
      maxBytes: task.maxBytes,
      acceptUnterminatedTail: quietMs >= task.settleResponsesMs,
    },
    (buf, from, to, offset) => {
      while (from < to && (buf[from] === 32 || buf[from] === 9)) from++;
      if (from >= to) return;
      counters.lines++;
      if (buf[from] !== 123 /* { */ || buf[to - 1] !== 125 /* } */) {
        counters.malformed++;
        return;
      }
      // One view of the line for every needle (a view bounded to it: the bytes after it are stale).
      const line = buf.subarray(from, to);
      const wanted = claude ? claudeWants(line) : codexWants(line, offset) ? PARSE : SKIP;
      if (wanted === SKIP) return;
      if (wanted === TOOL_RESULTS) {
        // Anything but a plain user line (or a line pick cannot read) goes through JSON.parse below.
        const picked = pick(buf, from, to, USER_PICK);
        if (picked && isUserEntry(picked)) {
          claude!.line(picked, offset);
          return;
        }
      }
      let entry: unknown;
      try {
        entry = JSON.parse(buf.toString('utf8', from, to));
      } catch {
        counters.malformed++;
        return;
      }
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        counters.malformed++;
        return;
      }
      if (claude) claude.line(entry as Record<string, unknown>, offset);
      else codex!.line(entry as Record<string, unknown>, offset);
    },
  );

  const flushResponses = scan.complete && quietMs >= task.settleResponsesMs;
  const flushCalls = scan.complete && quietMs >= task.settleCallsMs;
  const state = claude ? claude.finish(flushResponses, flushCalls) : codex!.finish(flushCalls);
  return {
    batches: await processedBatches(sink.events, task.chain),
    parsed: sink.events.length,
    offset: scan.offset,
    complete: scan.complete,
    state: state as unknown as Record<string, unknown>,
    counters,
  };
}
