/**
 * Every change an install or uninstall makes to a settings file, as lines for the user: which
 * events got, changed or lost AgentStats' handler (and what that handler runs), and each value set,
 * changed, restored or removed, with its previous value.
 */
import { getAt } from './install-state.mjs';
import { ourHandlersByEvent } from './hook-entries.mjs';
import { sameJson } from './json-file.mjs';

function describeHandler(handler) {
  if (handler.type === 'http') return `http POST ${handler.url}`;
  const timeout = handler.timeout === undefined ? '' : `, timeout ${handler.timeout}`;
  return `command ${handler.command}${timeout}`;
}

function eventList(events) {
  return `${events.length} event${events.length === 1 ? '' : 's'} (${events.join(', ')})`;
}

/** Lines for the hook handlers that differ between `beforeHooks` and `afterHooks`. */
export function hookChanges(beforeHooks, afterHooks) {
  const before = ourHandlersByEvent(beforeHooks);
  const after = ourHandlersByEvent(afterHooks);
  const lines = [];
  const byHandler = (events) => {
    const groups = new Map();
    for (const event of events) {
      for (const handler of after[event]) {
        const what = describeHandler(handler);
        groups.set(what, [...(groups.get(what) ?? []), event]);
      }
    }
    return groups;
  };
  const added = Object.keys(after).filter((e) => !(e in before));
  const replaced = Object.keys(after).filter((e) => e in before && !sameJson(before[e], after[e]));
  const removed = Object.keys(before).filter((e) => !(e in after));
  for (const [what, events] of byHandler(added)) lines.push(`  + hook on ${eventList(events)}: ${what}`);
  for (const [what, events] of byHandler(replaced)) lines.push(`  ~ earlier AgentStats hook replaced on ${eventList(events)}: now ${what}`);
  if (removed.length > 0) lines.push(`  - AgentStats hook removed from ${eventList(removed)}`);
  return lines;
}

/** Lines for the values under `paths` (arrays of keys) that differ between the two documents. */
export function valueChanges(beforeDoc, afterDoc, paths) {
  const lines = [];
  for (const path of paths) {
    const was = getAt(beforeDoc, path);
    const now = getAt(afterDoc, path);
    if (sameJson(was, now)) continue;
    const key = path.join('.');
    if (was === undefined) lines.push(`  + ${key} = ${JSON.stringify(now)}`);
    else if (now === undefined) lines.push(`  - ${key} removed (was ${JSON.stringify(was)})`);
    else lines.push(`  ~ ${key} = ${JSON.stringify(now)} (was ${JSON.stringify(was)})`);
  }
  return lines;
}
