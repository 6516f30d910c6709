import { describe, expect, it } from 'vitest';
import { byteLength, truncateJson } from './truncate-json.js';

describe('truncateJson', () => {
  it('leaves metadata that fits alone', () => {
    expect(truncateJson({ a: 'short' }, 1024)).toBeNull();
  });

  it('shortens long strings first and keeps the small fields', () => {
    const out = truncateJson({ output: 'x'.repeat(50_000), exit: 0, cmd: 'ls' }, 4096)!;
    expect(byteLength(out)).toBeLessThanOrEqual(4096);
    expect(out.exit).toBe(0);
    expect(out.cmd).toBe('ls');
    expect((out.output as string).endsWith('…[truncated]')).toBe(true);
    expect(out._truncated).toMatchObject({ original_bytes: expect.any(Number) });
  });

  it('drops trailing keys when many small fields overflow, staying valid JSON within budget', () => {
    const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`key_${i}`, `value-${i}`]));
    const out = truncateJson(many, 2048)!;
    expect(byteLength(out)).toBeLessThanOrEqual(2048);
    expect(out.key_0).toBe('value-0');
    expect((out._truncated as { dropped_keys: number }).dropped_keys).toBeGreaterThan(1000);
    expect(() => JSON.parse(JSON.stringify(out))).not.toThrow();
  });

  it('counts bytes, not characters, for multi-byte text', () => {
    const out = truncateJson({ text: 'é'.repeat(10_000) }, 2048)!;
    expect(byteLength(out)).toBeLessThanOrEqual(2048);
  });

  it('keeps what fits to the byte and cuts what passes it by one, in three-byte text too', () => {
    const fits = { t: '€'.repeat(1000) }; // {"t":"…"}: 8 + 3,000 bytes
    expect(byteLength(fits)).toBe(3008);
    expect(truncateJson(fits, 3008)).toBeNull();
    expect(truncateJson(fits, 3007)).toMatchObject({ _truncated: { original_bytes: 3008 } });
  });
});
