/**
 * Checks a value against a component's (or the service's) JSON Schema and turns ajv's errors into
 * messages a user can act on: the key path, what is wrong, and for an unknown key the nearest
 * valid one (`receivers.otlp.grcp_port: unknown key; did you mean grpc_port?`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { JsonSchema } from '../core/component.js';
import { didYouMean } from './suggest.js';

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/** Whether a schema compiles; the message says why not (a plugin's broken schema). */
export function checkSchema(schema: JsonSchema): string | null {
  try {
    compile(schema);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function compile(schema: JsonSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

export interface SchemaProblem {
  /** Dotted path below the checked value ('' = the value itself). */
  path: string;
  message: string;
}

export function validateAgainst(schema: JsonSchema, value: unknown): SchemaProblem[] {
  const fn = compile(schema);
  if (fn(value)) return [];
  const errors = fn.errors ?? [];
  // A value that fits no branch of a oneOf gets one message naming the branches, not one per branch.
  const alternatives = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const inBranch = (e: ErrorObject) =>
    alternatives.some((a) => a !== e && e.instancePath === a.instancePath && e.schemaPath.startsWith(a.schemaPath.replace(/\/(oneOf|anyOf)$/, '/$1/')));
  const problems = errors.filter((e) => !inBranch(e)).map((e) => describe(e, schema));
  // oneOf/anyOf repeat the same path with each branch's complaint: keep the first per path.
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function dotted(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(error: ErrorObject, root: JsonSchema): SchemaProblem {
  const path = dotted(error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys((schemaAt(root, error.schemaPath)?.properties as object | undefined) ?? {});
      return { path: join(path, key), message: `unknown key${didYouMean(key, known)}` };
    }
    case 'required':
      return { path: join(path, String((error.params as { missingProperty: string }).missingProperty)), message: 'is required' };
    case 'type':
      return { path, message: `must be ${typeWords((error.params as { type: string | string[] }).type)}` };
    case 'oneOf':
    case 'anyOf': {
      const branches = (schemaAt(root, error.schemaPath)?.[error.keyword] as Record<string, unknown>[] | undefined) ?? [];
      const words = branches.map((b) => (b.const !== undefined ? JSON.stringify(b.const) : typeWords(b.type as string | string[])));
      return { path, message: `must be ${words.join(' or ')}` };
    }
    case 'enum':
      return {
        path,
        message: `must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  null: 'null',
  object: 'an object',
  array: 'a list',
};

function typeWords(type: string | string[] | undefined): string {
  const types = Array.isArray(type) ? type : type ? String(type).split(',') : [];
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ') || 'something else';
}

/** The schema object that an error's schemaPath (#/properties/a/additionalProperties) points into. */
function schemaAt(root: JsonSchema, schemaPath: string): Record<string, unknown> | undefined {
  const parts = schemaPath.replace(/^#\/?/, '').split('/').slice(0, -1);
  let node: unknown = root;
  for (const part of parts) {
    if (!node || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
}
