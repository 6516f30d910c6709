/**
 * Reading and writing the agents' JSON settings files without losing anything: a file that does
 * not parse is refused (never overwritten), edits keep the rest of the text (jsonc-edit.mjs), a changed file is backed up first and replaced
 * atomically (temp file + rename, mode kept), an unchanged one is not touched at all.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InvalidCommentToken, parseJsonText } from './jsonc-edit.mjs';

export class InstallError extends Error {}

export function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * { exists, text, data } — data is {} for a missing or empty file. `dialect.allowComments`: the
 * agent itself reads the file as JSONC (Gemini CLI); otherwise a comment is refused with a message
 * that says so, because the agent would reject the whole file (`dialect.strictReader` names it).
 */
export function readJsonFile(file, dialect = { allowComments: false, strictReader: 'the agent' }) {
  if (!existsSync(file)) return { exists: false, text: null, data: {} };
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') return { exists: true, text, data: {} };
  const { data, errors } = parseJsonText(text, dialect);
  const comment = errors.find((e) => e.code === InvalidCommentToken);
  if (comment) {
    throw new InstallError(
      `${file} has comments (first at line ${comment.line}). ${dialect.strictReader} reads this file as strict JSON ` +
        'and ignores the whole file while it holds one, so your settings in it are not in effect either. ' +
        'Nothing was changed. Remove the comments (// and /* */; keep the notes in another file), then run the installer again.',
    );
  }
  if (errors.length > 0) {
    const first = errors[0];
    throw new InstallError(
      `${file} is not valid JSON (${first.message} at line ${first.line}, column ${first.column}). Nothing was changed; fix the file and run again.`,
    );
  }
  if (!isPlainObject(data)) throw new InstallError(`${file} does not hold a JSON object. Nothing was changed.`);
  return { exists: true, text, data };
}

/** The indentation the file already uses (2 spaces when it has none). */
export function detectIndent(text) {
  const match = text ? /^([ \t]+)["/]/m.exec(text) : null;
  return match ? match[1] : '  ';
}

export function formatJson(data, originalText) {
  return JSON.stringify(data, null, detectIndent(originalText)) + '\n';
}

export function sameJson(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function timestamp() {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Copies the file beside itself; returns the backup's path (null when there was no file). */
export function backupFile(file) {
  if (!existsSync(file)) return null;
  let backup = `${file}.agentstats-backup-${timestamp()}`;
  for (let n = 1; existsSync(backup); n++) backup = `${file}.agentstats-backup-${timestamp()}-${n}`;
  copyFileSync(file, backup);
  return backup;
}

/** Replaces the file's content atomically, keeping its permission bits. */
export function writeFileAtomic(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  const mode = existsSync(file) ? statSync(file).mode & 0o777 : 0o644;
  const temp = `${file}.agentstats-tmp-${process.pid}`;
  writeFileSync(temp, text, { mode });
  chmodSync(temp, mode);
  renameSync(temp, file);
}

/**
 * Writes `text` when it differs from the file's current content: backup first, then atomic
 * replace. Returns { changed, backup }.
 */
export function updateFile(file, text, { dryRun = false } = {}) {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (current === text) return { changed: false, backup: null };
  if (dryRun) return { changed: true, backup: null };
  const backup = backupFile(file);
  writeFileAtomic(file, text);
  return { changed: true, backup };
}

/** Removes a file AgentStats created and emptied again (after a backup). */
export function removeFile(file, { dryRun = false } = {}) {
  if (!existsSync(file)) return { changed: false, backup: null };
  if (dryRun) return { changed: true, backup: null };
  const backup = backupFile(file);
  unlinkSync(file);
  return { changed: true, backup };
}
