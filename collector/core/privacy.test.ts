/** The privacy rule (collector/core/privacy.ts) on plain objects. */
import { describe, expect, it } from 'vitest';
import { isContentKey, redactContent } from './privacy.js';

describe('redactContent', () => {
  it('reduces text to its length and containers to their JSON bytes, keeping numbers, booleans and null', () => {
    const out = redactContent(
      { prompt: 'hello', tool_input: { command: 'rm -rf /' }, output: 3, error: true, stdout: null, model: 'm' },
      false,
    );
    expect(out).toEqual({
      prompt_length: 5,
      tool_input_bytes: Buffer.byteLength(JSON.stringify({ command: 'rm -rf /' })),
      output: 3,
      error: true,
      stdout: null,
      model: 'm',
    });
  });

  it('finds content at any depth, in arrays too, in any key spelling and under dotted names', () => {
    const out = redactContent(
      { a: { b: [{ toolInput: 'x' }, 'plain', { 'error.message': 'boom' }] }, 'gen_ai.input.messages': 'hi', 'Last-Assistant-Message': 'yo' },
      false,
    );
    expect(out).toEqual({
      a: { b: [{ toolInput_length: 1 }, 'plain', { 'error.message_length': 4 }] },
      'gen_ai.input.messages_length': 2,
      'Last-Assistant-Message_length': 2,
    });
  });

  it('keeps a size the sender already gave, and the API error class of an error text', () => {
    const out = redactContent({ prompt: 'abc', prompt_length: '99', error: '529 {"type":"error","error":{"type":"overloaded_error"}}' }, false);
    expect(out).toMatchObject({ prompt_length: '99', error_type: 'overloaded_error' });
    expect(out.prompt).toBeUndefined();
    // Only error keys are searched for a class: a prompt quoting one reveals nothing.
    expect(redactContent({ prompt: '{"type":"secret_error"}' }, false)).toEqual({ prompt_length: 23 });
  });

  it('returns the very same object when nothing is content, or when prompts may be stored', () => {
    const clean = { a: 1, b: { c: [1, 'two'] }, session: { 'host.name': 'h' } };
    expect(redactContent(clean, false)).toBe(clean);
    const secret = { prompt: 'x' };
    expect(redactContent(secret, true)).toBe(secret);
    expect(secret).toEqual({ prompt: 'x' }); // never mutated
  });

  it('keeps a __proto__ key an own property', () => {
    const input = JSON.parse('{"__proto__": {"prompt": "x"}}') as Record<string, unknown>;
    const out = redactContent(input, false);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({ prompt_length: 1 });
  });

  it('names the content keys, not their neighbours', () => {
    for (const key of ['prompt', 'tool_parameters', 'function_args', 'error.message', 'exception.stacktrace', 'http.response.body', 'command']) {
      expect(isContentKey(key)).toBe(true);
    }
    for (const key of ['prompt_length', 'prompt.id', 'message.uuid', 'error_type', 'status_code', 'tool_name', 'input_tokens', 'reason', 'file_path']) {
      expect(isContentKey(key)).toBe(false);
    }
  });
});
