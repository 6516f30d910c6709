/** Session status rules (exporters/sqlite/session-status.ts) on plain rows. */
import { describe, expect, it } from 'vitest';
import type { SessionRow } from '../../collector/core/storage.js';
import { INACTIVE, settleByAge, statusAfterEvent } from './session-status.js';

function row(overrides: Partial<SessionRow> = {}): SessionRow {
  return {
    session_id: 's', agent_type: 'claude_code', status: 'active', project: null, branch: null, cwd: null, models: [],
    parent_session_id: null, first_seen: '2026-01-01T00:00:00.000Z', last_seen: '2026-01-01T01:00:00.000Z',
    ended_at: null, end_reason: null, event_count: 1, prompt_count: 0, tool_count: 0, error_count: 0,
    api_request_count: 0, tokens_in: 0, tokens_out: 0, cache_read_tokens: 0, cache_write_tokens: 0,
    reasoning_tokens: 0, cost_usd: 0, unpriced_tokens: 0, metadata: {}, ...overrides,
  };
}

describe('session status', () => {
  it('ends a session by age at its last event, and idles one that is only past the idle limit', () => {
    const old = row();
    settleByAge(old, '2026-01-02T00:00:00.000Z', '2026-01-01T12:00:00.000Z');
    expect(old).toMatchObject({ status: 'ended', ended_at: old.last_seen, end_reason: INACTIVE });
    const recent = row();
    settleByAge(recent, '2026-01-02T00:00:00.000Z', '2026-01-01T00:30:00.000Z');
    expect(recent).toMatchObject({ status: 'idle', ended_at: null, end_reason: null });
    const never = row();
    settleByAge(never, '2026-01-02T00:00:00.000Z', null);
    expect(never.status).toBe('idle');
  });

  it('never rewrites an explicit end', () => {
    const ended = row({ status: 'ended', ended_at: '2026-01-01T01:00:00.000Z', end_reason: 'exit' });
    settleByAge(ended, '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
    expect(ended).toMatchObject({ status: 'ended', end_reason: 'exit' });
    statusAfterEvent(ended, 'api_request');
    expect(ended).toMatchObject({ status: 'ended', end_reason: 'exit' });
    statusAfterEvent(ended, 'session_start'); // a resumed session
    expect(ended.status).toBe('active');
  });

  it('revives a session ended by inactivity on a new event, clearing its end', () => {
    const s = row({ status: 'ended', ended_at: '2026-01-01T01:00:00.000Z', end_reason: INACTIVE });
    statusAfterEvent(s, 'tool_use');
    expect(s).toMatchObject({ status: 'active', ended_at: null, end_reason: null });
    const resumed = row({ status: 'ended', ended_at: '2026-01-01T01:00:00.000Z', end_reason: INACTIVE });
    statusAfterEvent(resumed, 'session_start');
    expect(resumed).toMatchObject({ status: 'active', ended_at: null, end_reason: null });
  });
});
