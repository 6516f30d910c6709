/**
 * What an install changed, so --uninstall can put back exactly what was there: for each settings
 * file, whether the file existed, and for each key AgentStats created or set, whether it existed
 * and its previous value. Kept in ~/.agentstats/installer-state.json, keyed by the file's path.
 * Without a record (state file lost) uninstall still removes our handlers and our values, and
 * only the empty containers it cannot prove were the user's stay behind.
 */
import { existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isPlainObject, sameJson } from './json-file.mjs';

export function statePath(home) {
  return join(home, '.agentstats', 'installer-state.json');
}

export function loadState(home) {
  const file = statePath(home);
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    if (isPlainObject(data) && isPlainObject(data.files)) return data;
  } catch {
    // missing or unreadable: start afresh
  }
  return { version: 1, files: {} };
}

export function saveState(home, state) {
  const file = statePath(home);
  if (Object.keys(state.files).length === 0) {
    if (existsSync(file)) unlinkSync(file);
    return;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
}

// ---------------------------------------------------------------- paths inside a JSON document

export function getAt(doc, path) {
  let node = doc;
  for (const key of path) {
    if (!isPlainObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

export function hasAt(doc, path) {
  const parent = getAt(doc, path.slice(0, -1));
  return isPlainObject(parent) && path[path.length - 1] in parent;
}

/** Sets a value, creating missing parent objects. */
export function setAt(doc, path, value) {
  let node = doc;
  for (const key of path.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key];
  }
  node[path[path.length - 1]] = value;
}

export function deleteAt(doc, path) {
  const parent = getAt(doc, path.slice(0, -1));
  if (isPlainObject(parent)) delete parent[path[path.length - 1]];
}

function isEmpty(value) {
  return (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

// ---------------------------------------------------------------- recording and undoing

/** The record for one settings file, created with the file's state before AgentStats touched it. */
export function entryFor(state, file, fileExisted) {
  state.files[file] ??= { file_existed: fileExisted, containers: {}, values: {} };
  return state.files[file];
}

/** Notes, once, whether a container (object/array key) existed before AgentStats created it. */
export function recordContainer(entry, doc, path) {
  const key = path.join('/');
  if (!(key in entry.containers)) entry.containers[key] = hasAt(doc, path);
}

/** Notes a value AgentStats sets: first the original (once), always the value now set. */
export function recordValue(entry, doc, path, value) {
  const key = path.join('/');
  const existing = entry.values[key];
  if (existing) {
    existing.ours = value;
    return;
  }
  entry.values[key] = hasAt(doc, path)
    ? { existed: true, previous: getAt(doc, path), ours: value }
    : { existed: false, ours: value };
}

/**
 * Undoes recorded values (only where the value is still ours: a user's later edit wins) and
 * deletes containers AgentStats created that are empty again. With no record, our values are
 * recognised by `fallbackValues` ({ "a/b": value }) and emptied `fallbackContainers` are removed.
 */
export function undo(doc, entry, fallbackValues = {}, fallbackContainers = []) {
  const values = entry?.values ?? Object.fromEntries(Object.entries(fallbackValues).map(([k, v]) => [k, { existed: false, ours: v }]));
  for (const [key, record] of Object.entries(values)) {
    const path = key.split('/');
    if (!sameJson(getAt(doc, path), record.ours)) continue;
    if (record.existed) setAt(doc, path, record.previous);
    else deleteAt(doc, path);
  }
  const containers = entry
    ? Object.entries(entry.containers).filter(([, existed]) => !existed).map(([key]) => key)
    : fallbackContainers;
  // Deepest first, so "hooks/Stop" goes before "hooks" is checked.
  for (const key of [...containers].sort((a, b) => b.split('/').length - a.split('/').length)) {
    const path = key.split('/');
    if (isEmpty(getAt(doc, path))) deleteAt(doc, path);
  }
}
