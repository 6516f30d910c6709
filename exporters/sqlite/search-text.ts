/**
 * What the search index holds for an event: its tool, type, model and status, and the text of its
 * stored metadata (file paths, descriptions, commands and prompts and error messages when prompt
 * storage kept them, error classes, status and exit codes). It is read from the event as stored,
 * so what privacy left out of storage is never indexed. No SQL here: the indexer and the snippet
 * builder both use it.
 */

/** Longest text indexed per event (characters); longer metadata is cut. */
export const MAX_INDEXED_CHARS = 4000;

/** Metadata keys whose values say nothing to search for (a tool input's key names, resource facts). */
const SKIPPED_KEYS = new Set(['keys', 'session', '_truncated', 'counted_elsewhere', 'field_sizes', 'type']);

export interface IndexedFields {
  tool_name: string | null;
  event_type: string;
  model: string | null;
  status: string | null;
  metadata: Record<string, unknown>;
}

/** The text indexed for one event, parts separated by newlines. */
export function searchText(e: IndexedFields): string {
  const parts: string[] = [];
  let size = 0;
  const push = (text: string) => {
    if (size >= MAX_INDEXED_CHARS) return;
    const piece = text.length + size > MAX_INDEXED_CHARS ? text.slice(0, MAX_INDEXED_CHARS - size) : text;
    parts.push(piece);
    size += piece.length + 1;
  };
  if (e.tool_name) push(e.tool_name);
  push(e.event_type);
  if (e.model) push(e.model);
  if (e.status && e.status !== 'success') push(e.status);
  walk(e.metadata, push, 0);
  return parts.join('\n');
}

function walk(value: unknown, push: (text: string) => void, depth: number, key = ''): void {
  if (depth > 6) return;
  if (typeof value === 'string') {
    if (value !== '') push(value);
  } else if (typeof value === 'number') {
    // Codes are what people search for ("529", "exit 2"); other numbers are sizes and counts.
    if (/code$/i.test(key)) push(String(value));
  } else if (Array.isArray(value)) {
    for (const v of value) walk(v, push, depth + 1, key);
  } else if (value !== null && typeof value === 'object') {
    // for-in, not Object.entries: no array per key (metadata is plain JSON, so only own keys).
    const object = value as Record<string, unknown>;
    for (const k in object) {
      if (Object.hasOwn(object, k) && !SKIPPED_KEYS.has(k)) walk(object[k], push, depth + 1, k);
    }
  }
}

/** One word or phrase of a search, as the user typed it. */
export interface SearchTerm {
  /** Lower-cased words of the term (a phrase has several). */
  words: string[];
  prefix: boolean;
}

/** Words as the index's tokenizer (unicode61) cuts them: letters and digits, case folded. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

/**
 * The user's text as terms: "quoted phrases" (an unclosed quote runs to the end) and bare words;
 * a bare word ending in `*` is a prefix. Operators (AND, OR, NOT, NEAR, column filters) are words
 * like any other: every term is quoted before it reaches the index.
 */
export function parseTerms(text: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const raw = m[1] ?? m[2];
    const prefix = m[2] !== undefined && raw.endsWith('*');
    const w = words(raw);
    if (w.length > 0) terms.push({ words: w, prefix });
  }
  return terms.slice(0, 16);
}

/** The FTS5 query for the terms: each a quoted phrase (quotes cannot appear in words), all required. */
export function ftsQuery(terms: SearchTerm[]): string {
  return terms.map((t) => `"${t.words.join(' ')}"${t.prefix ? '*' : ''}`).join(' AND ');
}

/**
 * A window of about `width` characters of `text` around the first matched word, with the [start, end)
 * ranges of every matched word in it: what the result list shows highlighted.
 */
export function snippet(text: string, terms: SearchTerm[], width = 160): { snippet: string; highlights: Array<[number, number]> } {
  const wanted = terms.flatMap((t) => t.words.map((w, i) => ({ w, prefix: t.prefix && i === t.words.length - 1 })));
  const flat = text.replace(/\s*\n\s*/g, ' · ');
  const matches: Array<[number, number]> = [];
  const re = /[\p{L}\p{N}\p{M}]+/gu;
  for (let m = re.exec(flat); m !== null; m = re.exec(flat)) {
    const word = m[0].toLowerCase();
    if (wanted.some((t) => (t.prefix ? word.startsWith(t.w) : word === t.w))) matches.push([m.index, m.index + m[0].length]);
  }
  const first = matches[0]?.[0] ?? 0;
  let start = Math.max(0, first - Math.floor(width / 3));
  const end = Math.min(flat.length, start + width);
  start = Math.max(0, Math.min(start, end - width));
  const lead = start > 0 ? '…' : '';
  const tail = end < flat.length ? '…' : '';
  const out = lead + flat.slice(start, end) + tail;
  const highlights = matches
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]): [number, number] => [s - start + lead.length, e - start + lead.length]);
  return { snippet: out, highlights };
}
