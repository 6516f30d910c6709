/**
 * Turning one JSON value into another by editing the file's text in place (jsonc-parser's
 * modify/applyEdits), so everything the installer does not own keeps its bytes: comments, key
 * order, indentation, line endings. Only the differing keys and array elements are edited; the
 * result is parsed again and must equal the wanted value, or nothing is written.
 */
import jsonc from 'jsonc-parser';

// Local copy (json-file.mjs imports this module).
const isPlainObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep equality that ignores object key order (JSON semantics). */
export function equalJson(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => equalJson(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equalJson(a[k], b[k]));
  }
  return a === b;
}

/**
 * The text of `text` (which holds `before`) edited to hold `after`. `indent` is the file's indent
 * string. Throws when the edited text does not parse back to `after`.
 */
export function editJsonText(text, before, after, indent) {
  const formattingOptions = {
    insertSpaces: !indent.includes('\t'),
    tabSize: indent.includes('\t') ? 1 : indent.length,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
  };
  let current = text;
  // modify() is called without formatting options on purpose: its own formatting re-lays-out the
  // whole lines around an edit (a user's one-line array included). Only the inserted text is
  // formatted here, plus the gap to an opening/closing bracket right beside it.
  const set = (path, value, isArrayInsertion = false) => {
    for (const edit of lastElementRemoval(current, path, value) ?? jsonc.modify(current, path, value, { isArrayInsertion })) {
      let next = jsonc.applyEdits(current, [edit]);
      if (edit.content.length > 0) {
        let start = edit.offset;
        let end = edit.offset + edit.content.length;
        if ('{['.includes(next[start - 1] ?? 'x')) start--;
        if ('}]'.includes(next[end] ?? 'x')) end++;
        next = jsonc.applyEdits(next, jsonc.format(next, { offset: start, length: end - start }, { ...formattingOptions, keepLines: false }));
      }
      current = next;
    }
  };

  const walk = (path, a, b) => {
    if (equalJson(a, b)) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) set([...path, key], undefined);
      for (const key of Object.keys(b)) {
        if (Object.hasOwn(a, key)) walk([...path, key], a[key], b[key]);
        else set([...path, key], b[key]);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) return walkArray(path, a, b);
    set(path, b);
  };

  // Aligns the two lists: elements equal in both keep their text; an element only in `after` is
  // inserted, one only in `before` removed, and a pair that differs is edited inside.
  const walkArray = (path, a, b) => {
    let i = 0;
    let j = 0;
    let k = 0; // index in the text's array as edited so far
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && equalJson(a[i], b[j])) {
        i++, j++, k++;
        continue;
      }
      const aSurvives = i < a.length && b.slice(j).some((v) => equalJson(v, a[i]));
      const bExisted = j < b.length && a.slice(i).some((v) => equalJson(v, b[j]));
      if (j < b.length && (i >= a.length || (aSurvives && !bExisted))) {
        set([...path, k], b[j], true);
        j++, k++;
      } else if (i < a.length && (j >= b.length || (bExisted && !aSurvives))) {
        set([...path, k], undefined);
        i++;
      } else {
        walk([...path, k], a[i], b[j]);
        i++, j++, k++;
      }
    }
  };

  walk([], before, after);
  const errors = [];
  const reparsed = jsonc.parse(current, errors, { allowTrailingComma: false });
  if (errors.length > 0 || !equalJson(reparsed, after)) {
    throw new Error('editing the settings text in place did not give the expected content');
  }
  return current;
}

/**
 * Removing the last of several array elements: from the end of the element before it, the mirror
 * of how an appended element is inserted (modify() would keep one character before the `]`).
 */
function lastElementRemoval(text, path, value) {
  if (value !== undefined || typeof path[path.length - 1] !== 'number') return null;
  const node = jsonc.findNodeAtLocation(jsonc.parseTree(text), path);
  const siblings = node?.parent?.children ?? [];
  if (siblings.length < 2 || siblings[siblings.length - 1] !== node) return null;
  const previous = siblings[siblings.length - 2];
  const offset = previous.offset + previous.length;
  return [{ offset, length: node.offset + node.length - offset, content: '' }];
}

/** Parses JSON, or JSONC when `allowComments`; returns { data, errors: [{ message, line, column }] }. */
export function parseJsonText(text, { allowComments }) {
  const raw = [];
  const data = jsonc.parse(text, raw, { disallowComments: !allowComments, allowTrailingComma: false, allowEmptyContent: true });
  const errors = raw.map((e) => ({ message: jsonc.printParseErrorCode(e.error), ...lineColumn(text, e.offset), code: e.error }));
  return { data, errors };
}

export function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export const InvalidCommentToken = jsonc.ParseErrorCode.InvalidCommentToken;
