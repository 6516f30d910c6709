/**
 * The one error shape every JSON route answers with: `{"error": code, "message": text}`, where code
 * is a key of the error catalog (collector/core/errors.ts). An invalid native event also lists its
 * field errors. (The OTLP routes answer google.rpc.Status instead, as OTLP/HTTP specifies.)
 */
import { Type, type Static } from 'typebox';

export const FieldError = Type.Object(
  { field: Type.String(), message: Type.String() },
  { additionalProperties: false },
);
export type FieldError = Static<typeof FieldError>;

export const ErrorBody = Type.Object(
  {
    error: Type.String(),
    message: Type.String(),
    /** invalid_event: every field that failed, at once. */
    errors: Type.Optional(Type.Array(FieldError)),
  },
  { additionalProperties: false },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** Response schemas for the error statuses of a JSON route. */
export const ERROR_RESPONSES = { '4xx': ErrorBody, '5xx': ErrorBody } as const;
