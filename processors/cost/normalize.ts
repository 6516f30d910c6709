/**
 * Model-name normaliser. Agents and gateways spell the same model many ways:
 *   claude-sonnet-4-5-20250929, anthropic/claude-sonnet-4-5, claude-sonnet-4-5@20250929 (Vertex),
 *   us.anthropic.claude-sonnet-4-5-20250929-v1:0 (Bedrock), claude-opus-4-6[1m], claude-opus-4.6,
 *   gemini/gemini-2.5-pro, models/gemini-2.5-pro, openai/gpt-5.2-codex.
 * The table is keyed by the bare name; lookups try the most specific spelling first, then the
 * name without its date, so a dated id is priced by its own entry when the table has one.
 */

/** Lower-cases and strips the parts that never change the price: provider paths, Bedrock region
 * and version suffixes, context-window tags like [1m]. */
export function bareModelName(raw: string): string {
  let s = raw.trim().toLowerCase();
  s = s.replace(/\[[^\]]*\]$/, '');
  // Provider / gateway paths: anthropic/…, vertex_ai/…, bedrock/us-east-1/…, openrouter/x/…
  const slash = s.lastIndexOf('/');
  if (slash >= 0) s = s.slice(slash + 1);
  // Bedrock: [us.|eu.|apac.|global.]anthropic.claude-…-v1:0
  s = s.replace(/^(?:[a-z]{2,6}(?:-[a-z]+)?\.)?anthropic\./, '');
  s = s.replace(/-v\d+(?::\d+)?$/, '').replace(/:\d+$/, '');
  // Vertex: claude-sonnet-4-5@20250929
  s = s.replace(/@/g, '-');
  return s;
}

const DATE_SUFFIX = /-(?:\d{8}|\d{4}-\d{2}-\d{2})$/;

/** Claude versions written with a dot (claude-opus-4.6, claude-3.5-sonnet) use dashes in the table. */
function claudeDots(name: string): string {
  return name.startsWith('claude') ? name.replace(/(\d)\.(\d)/g, '$1-$2') : name;
}

/** Spellings to try, most specific first, without repeats. */
export function modelCandidates(raw: string): string[] {
  const bare = bareModelName(raw);
  const dashed = claudeDots(bare);
  const list = [raw.trim(), raw.trim().toLowerCase(), bare, dashed, bare.replace(DATE_SUFFIX, ''), dashed.replace(DATE_SUFFIX, '')];
  return [...new Set(list.filter((s) => s.length > 0))];
}
