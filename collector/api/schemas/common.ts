/**
 * Building blocks of the HTTP contract. Every schema here is read three ways: ajv validates
 * requests with it, fast-json-stringify serializes responses with it, and `Static<typeof X>` is the
 * TypeScript type the server and the dashboard (type-only) use. So a response schema must describe
 * the JSON exactly: fast-json-stringify drops fields a schema does not name and coerces values to
 * the declared type (a null in a plain `string` field would be sent as "").
 *
 * These helpers emit the forms fast-json-stringify serializes without a validator at run time:
 * `type: [t, 'null']` rather than `anyOf`, `enum` rather than a union of literals.
 * Imports nothing but typebox: web/ type-checks these files too.
 */
import { Type, type Static, type TSchema } from 'typebox';

/** A value of the given primitive schema, or null. */
export function Nullable<T extends TSchema & { type: string }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
}

/** An object schema, or null (a whole part of an answer that may be absent). */
export function NullableObject<T extends TSchema & { type: 'object' }>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, type: ['object', 'null'] });
}

/** One of a few strings. */
export function StringEnum<const V extends readonly string[]>(values: V, options: { default?: V[number]; description?: string } = {}) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });
}

/** An object keyed by free strings (event types, sources, reasons …): any key, values of one type. */
export function Dict<T extends TSchema>(value: T) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value });
}

/**
 * Free-form JSON (metadata, attributes): serialized as it is, never trimmed. Stated as "not any
 * other JSON type" rather than `type: 'object'`: a validator reads it the same, but
 * fast-json-stringify then hands the value to JSON.stringify whole, where for an open object it would
 * walk every key itself (twice as slow on an event list).
 */
export const OpenObject = Type.Unsafe<Record<string, unknown>>({ not: { type: ['null', 'boolean', 'number', 'string', 'array'] } });

/** `since` / `until`: an ISO 8601 date-time, or a date alone (UTC midnight). */
export const TimeParam = Type.String({ anyOf: [{ format: 'date-time' }, { format: 'date' }] });

/**
 * The query of a route that takes no parameters. Open for now: a strict one would answer 400 to a
 * client that adds e.g. a cache-buster, which these routes have always ignored.
 */
export const NoQuery = Type.Object({});

/** Token counts by kind (inputs exclude cache; outputs include reasoning). */
export const TokensByKind = Type.Object(
  {
    input: Type.Integer(),
    output: Type.Integer(),
    cache_read: Type.Integer(),
    cache_write: Type.Integer(),
    reasoning: Type.Integer(),
  },
  { additionalProperties: false },
);
export type TokensByKind = Static<typeof TokensByKind>;
