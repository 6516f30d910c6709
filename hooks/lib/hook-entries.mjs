/**
 * Adding and removing AgentStats' handlers in a Claude-shaped hooks object
 * ({ "<Event>": [ { "matcher"?, "hooks": [handler, ...] }, ... ] }), the shape Claude Code,
 * Codex (hooks.json) and Gemini CLI share. AgentStats' handlers are recognised by what they run
 * (the hook command's file name) or where they post (an /api/hooks/<agent> URL); every other
 * handler, group and key is left exactly as it was. Our groups go at the end of each event's list
 * so the positions of the user's own groups (Codex keys hook trust by position) do not move.
 */
import { isPlainObject, sameJson } from './json-file.mjs';

/** The hook command's file (.sh, or any of .cjs/.mjs/.js, so earlier installs are recognised too). */
const HOOK_SCRIPT = /agentstats-hook\.(?:sh|[cm]?js)\b/;
const HOOK_URL = /\/api\/hooks\/(claude-code|codex|gemini-cli)\/?(\?.*)?$/;

export function isAgentStatsHandler(handler) {
  if (!isPlainObject(handler)) return false;
  if (typeof handler.command === 'string' && HOOK_SCRIPT.test(handler.command)) return true;
  return typeof handler.url === 'string' && HOOK_URL.test(handler.url);
}

function groupHasOurs(group) {
  return isPlainObject(group) && Array.isArray(group.hooks) && group.hooks.some(isAgentStatsHandler);
}

/**
 * Removes our handlers from one event's group list. A group left without handlers by the removal
 * is dropped; a group that also holds the user's handlers keeps those.
 */
function withoutOurs(groups) {
  const kept = [];
  for (const group of groups) {
    if (!groupHasOurs(group)) {
      kept.push(group);
      continue;
    }
    const handlers = group.hooks.filter((h) => !isAgentStatsHandler(h));
    if (handlers.length > 0) kept.push({ ...group, hooks: handlers });
  }
  return kept;
}

/**
 * Removes every AgentStats handler. Returns the events whose list the removal emptied (the caller
 * decides, from the install state, whether such an event key existed before AgentStats).
 */
export function removeHandlers(hooks) {
  const emptied = [];
  if (!isPlainObject(hooks)) return emptied;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups) || !groups.some(groupHasOurs)) continue;
    const kept = withoutOurs(groups);
    hooks[event] = kept;
    if (kept.length === 0) emptied.push(event);
  }
  return emptied;
}

/**
 * Makes `hooks` hold exactly the desired AgentStats group for each event in `desired`
 * ({ Event: group }) and none anywhere else. An event already holding exactly that group is left
 * untouched, so installing twice changes nothing.
 */
export function installHandlers(hooks, desired) {
  for (const [event, groups] of Object.entries(hooks)) {
    if (!(event in desired) && Array.isArray(groups) && groups.some(groupHasOurs)) hooks[event] = withoutOurs(groups);
  }
  for (const [event, group] of Object.entries(desired)) {
    const groups = Array.isArray(hooks[event]) ? hooks[event] : [];
    const ours = groups.filter(groupHasOurs);
    if (ours.length === 1 && sameJson(ours[0], group)) continue;
    hooks[event] = [...withoutOurs(groups), group];
  }
}

/** The handlers of ours per event, for reporting. */
export function installedEvents(hooks) {
  if (!isPlainObject(hooks)) return [];
  return Object.entries(hooks)
    .filter(([, groups]) => Array.isArray(groups) && groups.some(groupHasOurs))
    .map(([event]) => event);
}

/** { Event: [our handlers] } for reporting what an install or uninstall changed. */
export function ourHandlersByEvent(hooks) {
  const found = {};
  if (!isPlainObject(hooks)) return found;
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) continue;
    const handlers = groups.flatMap((g) => (isPlainObject(g) && Array.isArray(g.hooks) ? g.hooks : [])).filter(isAgentStatsHandler);
    if (handlers.length > 0) found[event] = handlers;
  }
  return found;
}
