/**
 * A JSON line read for a few fields only: walks the line's structure in place and JSON.parses just
 * the values a spec names, skipping every other value (a tool result's output is most of a
 * transcript's bytes) with a native search for the quote that ends each string.
 *
 * The result is what JSON.parse would give with the unnamed keys left out (later duplicate keys
 * win, as there). A string can only hold a quote as `\"`, so a key-like text inside a tool's output
 * is never taken for a key. The structure is checked (brackets, commas, colons, literals, numbers)
 * but the text of skipped strings is not: a line JSON.parse would reject only for a bad escape or a
 * raw control character inside a skipped string is read. On any structural error pick returns
 * undefined and the caller decides with JSON.parse.
 */

/** `true`: keep this value (JSON.parsed). An object: keep these keys of an object value; its `[]`
 * entry is the spec of each element when the value is an array. */
export type PickSpec = true | { readonly [key: string]: PickSpec };

const QUOTE = 34;
const BACKSLASH = 92;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

class Malformed extends Error {}
const MALFORMED = new Malformed();

/** The value of buf[from, to) with only the spec's keys, or undefined when the line is not a JSON object. */
export function pick(buf: Buffer, from: number, to: number, spec: { readonly [key: string]: PickSpec }): Record<string, unknown> | undefined {
  const w = new Walker(buf, to);
  try {
    const pos = w.ws(from);
    if (buf[pos] !== 123 /* { */) return undefined;
    const out = w.object(pos, spec);
    if (w.ws(w.pos) !== to) return undefined;
    return out;
  } catch (error) {
    // RangeError: nesting too deep; SyntaxError: a kept value with a bad escape.
    if (error instanceof Malformed || error instanceof RangeError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

class Walker {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly end: number,
  ) {}

  ws(pos: number): number {
    const b = this.buf;
    while (pos < this.end && (b[pos] === 32 || b[pos] === 9 || b[pos] === 10 || b[pos] === 13)) pos++;
    return pos;
  }

  /** buf[pos] is `{`; sets this.pos past the closing `}`. */
  object(pos: number, spec: { readonly [key: string]: PickSpec } | null): Record<string, unknown> | undefined {
    const b = this.buf;
    const out = spec ? ({} as Record<string, unknown>) : undefined;
    pos = this.ws(pos + 1);
    if (b[pos] === 125 /* } */) {
      this.pos = pos + 1;
      return out;
    }
    for (;;) {
      if (b[pos] !== QUOTE) throw MALFORMED;
      const keyStart = pos;
      const keyEnd = this.stringEnd(pos);
      pos = this.ws(keyEnd);
      if (b[pos] !== 58 /* : */) throw MALFORMED;
      pos = this.ws(pos + 1);
      const key = spec ? this.key(keyStart, keyEnd) : '';
      const sub = spec && key !== '[]' && Object.hasOwn(spec, key) ? spec[key] : undefined;
      if (sub === undefined) this.skip(pos);
      else out![key] = this.value(pos, sub);
      pos = this.ws(this.pos);
      if (b[pos] === 44 /* , */) {
        pos = this.ws(pos + 1);
        continue;
      }
      if (b[pos] === 125 /* } */) {
        this.pos = pos + 1;
        return out;
      }
      throw MALFORMED;
    }
  }

  /** buf[pos] is `[`; sets this.pos past the closing `]`. */
  private array(pos: number, each: PickSpec | undefined): unknown[] | undefined {
    const b = this.buf;
    const out = each !== undefined ? ([] as unknown[]) : undefined;
    pos = this.ws(pos + 1);
    if (b[pos] === 93 /* ] */) {
      this.pos = pos + 1;
      return out;
    }
    for (;;) {
      if (each === undefined) this.skip(pos);
      else out!.push(this.value(pos, each));
      pos = this.ws(this.pos);
      if (b[pos] === 44 /* , */) {
        pos = this.ws(pos + 1);
        continue;
      }
      if (b[pos] === 93 /* ] */) {
        this.pos = pos + 1;
        return out;
      }
      throw MALFORMED;
    }
  }

  /** The value at pos, kept per spec; sets this.pos past it. */
  private value(pos: number, spec: PickSpec): unknown {
    const c = this.buf[pos];
    if (spec !== true) {
      if (c === 123) return this.object(pos, spec);
      if (c === 91 /* [ */ && spec['[]'] !== undefined) return this.array(pos, spec['[]']);
    }
    this.skip(pos);
    return JSON.parse(this.buf.toString('utf8', pos, this.pos)) as unknown;
  }

  /** Steps over the value at pos; sets this.pos past it. */
  private skip(pos: number): void {
    const c = this.buf[pos];
    if (c === QUOTE) this.pos = this.stringEnd(pos);
    else if (c === 123) this.object(pos, null);
    else if (c === 91) this.array(pos, undefined);
    else this.scalar(pos);
  }

  private scalar(pos: number): void {
    const b = this.buf;
    let i = pos;
    while (i < this.end) {
      const c = b[i];
      if (c === 44 || c === 125 || c === 93 || c === 32 || c === 9 || c === 10 || c === 13) break;
      i++;
    }
    const text = b.toString('latin1', pos, i);
    if (i === pos || (text !== 'true' && text !== 'false' && text !== 'null' && !NUMBER.test(text))) throw MALFORMED;
    this.pos = i;
  }

  /** buf[pos] is `"`: the offset just past the string's closing quote. */
  private stringEnd(pos: number): number {
    const b = this.buf;
    let from = pos + 1;
    for (;;) {
      const q = b.indexOf(QUOTE, from);
      if (q < 0 || q >= this.end) throw MALFORMED;
      let k = q - 1;
      while (b[k] === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1; // not escaped
      from = q + 1;
    }
  }

  /** The key whose string is buf[start, end) (quotes included). */
  private key(start: number, end: number): string {
    const b = this.buf;
    for (let i = start + 1; i < end - 1; i++) {
      if (b[i] === BACKSLASH || b[i] >= 128) return JSON.parse(b.toString('utf8', start, end)) as string;
    }
    return b.toString('latin1', start + 1, end - 1);
  }
}
