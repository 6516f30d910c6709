/**
 * Which hook posts are read, by their Content-Type and Content-Encoding headers. A hook body is
 * always JSON and is parsed as JSON whatever its label says, so the label only has to be one that
 * a hook sender can put there: the agents' own http handlers (application/json), our hook command
 * (application/json), and the forwarders users write themselves — curl without -H sends
 * application/x-www-form-urlencoded, fetch() with a string sends text/plain, netcat or a bare HTTP
 * client sends none, a header merged by a proxy arrives as a list. A label that says the body is
 * something else (multipart, protobuf, an image…) or a compressed body no agent sends is refused
 * with 415 before the body is read: nothing a hook sender produces gets there, so the answer can
 * only reach a misconfigured forwarder, for which a clear error is worth more than a silent drop.
 */

/** How an accepted label was read; counted per kind in GET /api/hooks/stats. */
export type AcceptedKind =
  | 'json'
  | 'missing'
  | 'empty'
  | 'list'
  | 'text_plain'
  | 'form_urlencoded'
  | 'octet_stream';

export type ContentVerdict =
  | { ok: true; kind: AcceptedKind }
  | { ok: false; reason: 'unsupported_content_type' | 'unsupported_content_encoding'; message: string };

/** Media types (lower case, no parameters) a hook sender may put on a JSON body, by kind. */
const SINGLE: Record<string, AcceptedKind> = {
  'application/json': 'json',
  'text/json': 'json',
  'text/plain': 'text_plain',
  'application/x-www-form-urlencoded': 'form_urlencoded',
  'application/octet-stream': 'octet_stream',
};

function kindOfMember(member: string): AcceptedKind | 'empty' | null {
  const type = member.split(';', 1)[0].trim().toLowerCase();
  if (type === '') return 'empty';
  if (SINGLE[type]) return SINGLE[type];
  // Structured-syntax JSON (application/foo+json) is JSON.
  return /^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type) ? 'json' : null;
}

export function classifyHookPost(contentType: string | string[] | undefined, contentEncoding: string | string[] | undefined): ContentVerdict {
  const encoding = (Array.isArray(contentEncoding) ? contentEncoding.join(',') : (contentEncoding ?? ''))
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
  if (encoding.length > 0) {
    return {
      ok: false,
      reason: 'unsupported_content_encoding',
      message: 'hook bodies are plain JSON: send them without Content-Encoding',
    };
  }
  if (contentType === undefined) return { ok: true, kind: 'missing' };
  const value = Array.isArray(contentType) ? contentType.join(',') : contentType;
  // A comma inside a quoted parameter value does not separate list members.
  const members = value.replace(/"(?:[^"\\]|\\.)*"/g, '""').split(',');
  const kinds = members.map(kindOfMember);
  if (kinds.some((k) => k === null)) {
    return {
      ok: false,
      reason: 'unsupported_content_type',
      message: 'hook bodies are JSON: send Content-Type: application/json',
    };
  }
  const named = kinds.filter((k): k is AcceptedKind => k !== 'empty');
  if (named.length === 0) return { ok: true, kind: 'empty' };
  if (members.length > 1) return { ok: true, kind: 'list' };
  return { ok: true, kind: named[0] };
}
