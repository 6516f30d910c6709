/**
 * A marked block AgentStats owns inside a TOML file (Codex's config.toml): added at the end,
 * replaced in place, removed byte-exactly. Text outside the markers is never rewritten, so no TOML
 * parser is needed and the user's comments and layout survive.
 */
export const BEGIN = '# >>> agentstats otel (added by hooks/codex/install.sh --with-otel; remove with --uninstall) >>>';
export const END = '# <<< agentstats otel <<<';

function blockRange(text) {
  const start = text.indexOf(BEGIN);
  if (start === -1) return null;
  const endMark = text.indexOf(END, start);
  if (endMark === -1) return null;
  let end = endMark + END.length;
  if (text[end] === '\n') end++;
  // The newline added before the block when it was appended belongs to the block.
  const from = start > 0 && text[start - 1] === '\n' ? start - 1 : start;
  return { start, from, end };
}

export function hasBlock(text) {
  return blockRange(text) !== null;
}

/** Inserts or replaces the block holding `body` (lines of TOML, ending in a newline). */
export function upsertBlock(text, body) {
  const block = `${BEGIN}\n${body}${END}\n`;
  const range = blockRange(text);
  if (range) return text.slice(0, range.start) + block + text.slice(range.end);
  return text === '' ? block : `${text}\n${block}`;
}

export function removeBlock(text) {
  const range = blockRange(text);
  return range ? text.slice(0, range.from) + text.slice(range.end) : text;
}
