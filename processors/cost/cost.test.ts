/**
 * The cost processor's parts on their own: the model-name normaliser, the price arithmetic (cache
 * TTLs, long-context tiers, fast mode, Codex semantics), the unpriced mark, reported costs and the
 * override file. Prices come from the real bundled table (LiteLLM data of 2026-07-24).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '../../collector/core/event.js';
import { priceEvents } from './index.js';
import { fromLiteLlm } from './litellm.js';
import { bareModelName } from './normalize.js';
import { loadPriceTable, PriceLookup, PricingFileError } from './table.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/pricing/litellm-model_prices_anthropic_openai_google.json', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'agentstats-cost-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function event(fields: Partial<CanonicalEvent>): CanonicalEvent {
  return {
    event_id: 'e1',
    session_id: 's1',
    agent_type: 'claude_code',
    event_type: 'api_request',
    source: 'native',
    tool_name: null,
    status: null,
    model: null,
    project: null,
    branch: null,
    cwd: null,
    machine: null,
    tokens_in: null,
    tokens_out: null,
    cache_read_tokens: null,
    cache_write_tokens: null,
    reasoning_tokens: null,
    cost_usd: null,
    cost_source: null,
    duration_ms: null,
    client_timestamp: null,
    created_at: '2026-01-01T00:00:00.000Z',
    parent_session_id: null,
    request_id: null,
    prompt_id: null,
    tool_use_id: null,
    correlation_key: null,
    metadata: {},
    payload_truncated: 0,
    ...fields,
  };
}

const bundled = new PriceLookup(loadPriceTable(null));
const price = (fields: Partial<CanonicalEvent>, lookup = bundled) => priceEvents([event(fields)], lookup)[0];

describe('model names', () => {
  it.each([
    ['claude-opus-4-6', 'claude-opus-4-6'],
    ['claude-opus-4-6[1m]', 'claude-opus-4-6'],
    ['anthropic/claude-opus-4-6', 'claude-opus-4-6'],
    ['claude-opus-4.6', 'claude-opus-4-6'],
    ['claude-sonnet-4-5@20250929', 'claude-sonnet-4-5-20250929'],
    ['us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'claude-sonnet-4-5-20250929'],
    ['bedrock/eu-west-1/anthropic.claude-sonnet-4-6', 'claude-sonnet-4-6'],
    ['claude-sonnet-4-6-20260101', 'claude-sonnet-4-6'], // a date the table lacks: priced as the base model
    ['openai/gpt-5.2-codex', 'gpt-5.2-codex'],
    ['gemini/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['vertex_ai/gemini-2.5-pro', 'gemini-2.5-pro'],
    ['models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['GPT-5.4', 'gpt-5.4'],
  ])('%s is priced as %s', (raw, key) => {
    expect(bundled.find(raw)?.key).toBe(key);
  });

  it('does not guess at names it does not know', () => {
    expect(bundled.find('synthetic-model')).toBeNull();
    expect(bundled.find('claude-opus-99')).toBeNull();
    expect(bareModelName('vertex_ai/claude-opus-4-6@20260205')).toBe('claude-opus-4-6-20260205');
  });
});

describe('cost arithmetic', () => {
  it('prices Claude cache writes by TTL (opus 4.6: $5 in, $25 out, $0.50 read, $6.25 5m, $10 1h per MTok)', () => {
    const base = { model: 'claude-opus-4-6', tokens_in: 3, tokens_out: 13, cache_read_tokens: 11515, cache_write_tokens: 13835 };
    // All writes 1h: 3×5 + 13×25 + 11515×0.5 + 13835×10 = 15 + 325 + 5757.5 + 138350 = 144447.5 µ$
    const oneHour = price({ ...base, metadata: { cache_creation_1h_tokens: 13835 } });
    expect(oneHour.cost_usd).toBeCloseTo(0.1444475, 10);
    expect(oneHour.cost_source).toBe('computed');
    // No split known: all writes at the 5m price: 13835×6.25 = 86468.75 → 15 + 325 + 5757.5 + 86468.75
    expect(price(base).cost_usd).toBeCloseTo(0.09256625, 10);
    // A split sent as a numeric string (older OTel exports send every attribute as a string) counts too.
    expect(price({ ...base, metadata: { cache_creation_1h_tokens: '13835' } }).cost_usd).toBeCloseTo(0.1444475, 10);
    // Only the 5m part known: the rest of the writes are 1h. 5000×6.25 + 8835×10 = 31250 + 88350
    const mixed = price({ ...base, metadata: { cache_creation_5m_tokens: 5000 } });
    expect(mixed.cost_usd).toBeCloseTo((15 + 325 + 5757.5 + 31250 + 88350) / 1e6, 10);
  });

  it('switches the whole request to the long-context tier above 200k prompt tokens', () => {
    // claude-sonnet-4-5: $3 in / $15 out below 200k, $6 / $22.5 above.
    const small = price({ model: 'claude-sonnet-4-5', tokens_in: 100_000, tokens_out: 1000 });
    expect(small.cost_usd).toBeCloseTo((100_000 * 3 + 1000 * 15) / 1e6, 10);
    const large = price({ model: 'claude-sonnet-4-5', tokens_in: 150_000, cache_read_tokens: 60_000, tokens_out: 1000 });
    expect(large.cost_usd).toBeCloseTo((150_000 * 6 + 60_000 * 0.6 + 1000 * 22.5) / 1e6, 10);
  });

  it('applies the fast-mode multiplier only when the request ran fast', () => {
    const normal = price({ model: 'claude-opus-4-6', tokens_in: 1000, tokens_out: 1000 });
    const fast = price({ model: 'claude-opus-4-6', tokens_in: 1000, tokens_out: 1000, metadata: { speed: 'fast' } });
    expect(normal.cost_usd).toBeCloseTo(0.03, 10);
    expect(fast.cost_usd).toBeCloseTo(0.18, 10); // × 6 (LiteLLM's provider_specific_entry.fast)
  });

  it('never counts Codex cached input or reasoning twice', () => {
    // Codex reported input 1000 (250 cached) and output 125 (75 reasoning); canonical: tokens_in 750,
    // cache_read 250, tokens_out 125 incl. reasoning 75. gpt-5.2-codex: $1.75 in, $0.175 cached, $14 out.
    const e = price({ agent_type: 'codex', model: 'gpt-5.2-codex', tokens_in: 750, cache_read_tokens: 250, tokens_out: 125, reasoning_tokens: 75 });
    expect(e.cost_usd).toBeCloseTo((750 * 1.75 + 250 * 0.175 + 125 * 14) / 1e6, 12);
  });

  it('keeps a reported cost and marks it reported', () => {
    const e = price({ model: 'claude-opus-4-6', tokens_in: 10, tokens_out: 10, cost_usd: 0.42 });
    expect(e.cost_usd).toBe(0.42);
    expect(e.cost_source).toBe('reported');
  });

  it('leaves an unknown model unpriced (null, marked), never $0', () => {
    const e = price({ model: 'totally-new-model-9', tokens_in: 500, tokens_out: 50 });
    expect(e.cost_usd).toBeNull();
    expect(e.cost_source).toBeNull();
    expect(e.metadata.unpriced).toBe(true);
    const noModel = price({ model: null, tokens_in: 5 });
    expect(noModel.cost_usd).toBeNull();
    expect(noModel.metadata.unpriced).toBe(true);
  });

  it('leaves events without tokens alone', () => {
    const e = price({ event_type: 'tool_use', model: 'claude-opus-4-6' });
    expect(e.cost_usd).toBeNull();
    expect(e.metadata).toEqual({});
  });
});

describe('price table files', () => {
  it('bundles the LiteLLM data with its date', () => {
    const table = loadPriceTable(null);
    expect(table.date).toBe('2026-07-24');
    expect(table.source).toContain('LiteLLM');
    expect(Object.keys(table.models).length).toBeGreaterThan(100);
    // The bundled file is exactly what the converter makes of the fixture.
    const converted = fromLiteLlm(JSON.parse(readFileSync(FIXTURE, 'utf8')), { source: table.source, date: table.date });
    expect(converted.models).toEqual(table.models);
  });

  it('merges an override file over the bundled prices, field by field', () => {
    const file = path.join(dir, 'override.json');
    writeFileSync(file, JSON.stringify({ models: { 'claude-opus-4-6': { output: 50 }, 'my-model': { input: 1, output: 2 } } }));
    const lookup = new PriceLookup(loadPriceTable(file));
    const e = price({ model: 'claude-opus-4-6', tokens_in: 1000, tokens_out: 1000 }, lookup);
    expect(e.cost_usd).toBeCloseTo((1000 * 5 + 1000 * 50) / 1e6, 10); // input unchanged, output overridden
    expect(price({ model: 'my-model', tokens_in: 1e6, tokens_out: 1e6 }, lookup).cost_usd).toBeCloseTo(3, 10);
  });

  it('accepts a raw LiteLLM file as override', () => {
    const file = path.join(dir, 'litellm.json');
    writeFileSync(file, JSON.stringify({ 'acme-coder': { litellm_provider: 'acme', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 4e-6 } }));
    const lookup = new PriceLookup(loadPriceTable(file));
    expect(price({ model: 'acme-coder', tokens_in: 1e6, tokens_out: 1e6 }, lookup).cost_usd).toBeCloseTo(5, 10);
  });

  it('rejects a broken override with its path', () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"models": {"x": {"input": -1, "output": 1}}}');
    expect(() => loadPriceTable(bad)).toThrow(PricingFileError);
    expect(() => loadPriceTable(bad)).toThrow(/bad\.json.*input/);
    writeFileSync(bad, '{"models": {"new-model": {"input": 1}}}');
    expect(() => loadPriceTable(bad)).toThrow(/needs both/);
    writeFileSync(bad, 'not json');
    expect(() => loadPriceTable(bad)).toThrow(/not valid JSON/);
  });
});
