/** The subagent tree of a session page: immutable updates as session rows stream in. */
import type { SessionRow } from './types.js';

export interface TreeNode {
  session: SessionRow;
  children: TreeNode[];
}

export function findInTree(node: TreeNode | null, id: string): boolean {
  if (!node) return false;
  return node.session.session_id === id || node.children.some((c) => findInTree(c, id));
}

/** A copy of the tree with this session's row replaced (or added under its parent). */
export function replaceInTree(node: TreeNode | null, s: SessionRow, addUnderParent = false): TreeNode | null {
  if (!node) return null;
  const self = node.session.session_id === s.session_id ? s : node.session;
  let children = node.children.map((c) => replaceInTree(c, s, addUnderParent)!);
  if (addUnderParent && node.session.session_id === s.parent_session_id && !children.some((c) => c.session.session_id === s.session_id)) {
    children = [...children, { session: s, children: [] }];
  }
  return { session: self, children };
}
