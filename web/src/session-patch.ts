/**
 * What a `session_update` from the stream changes in the dashboard's state: the active list, the
 * sessions table (when the row is shown or now matches its filters) and the open session page with
 * its subagent tree. Pure: the store applies the patch.
 */
import type { State } from './state.js';
import { findInTree, replaceInTree } from './tree.js';
import type { SessionRow } from './types.js';

export function sessionPatch(state: State, s: SessionRow, matches: (row: SessionRow) => boolean): Partial<State> {
  const patch: Partial<State> = {};
  const others = state.active.filter((r) => r.session_id !== s.session_id);
  patch.active = s.status === 'active' ? [s, ...others] : others;

  const list = state.sessions;
  if (list.data) {
    const rows = list.data.rows;
    const at = rows.findIndex((r) => r.session_id === s.session_id);
    if (at >= 0 || matches(s)) {
      const next = rows.filter((r) => r.session_id !== s.session_id);
      if (matches(s)) next.push(s);
      next.sort((a, b) => (a.last_seen < b.last_seen ? 1 : -1));
      patch.sessions = { ...list, data: { ...list.data, rows: next } };
    }
  }
  const d = state.detail;
  if (d.data) {
    if (d.data.session.session_id === s.session_id) {
      patch.detail = { ...d, data: { ...d.data, session: s }, tree: replaceInTree(d.tree, s) };
    } else if (s.parent_session_id === d.data.session.session_id || findInTree(d.tree, s.session_id)) {
      const children = d.data.children.filter((c) => c.session_id !== s.session_id);
      if (s.parent_session_id === d.data.session.session_id) children.push(s);
      patch.detail = { ...d, data: { ...d.data, children }, tree: replaceInTree(d.tree, s, true) };
    }
  }
  return patch;
}
