/** Query-parameter schemas shared by the read routes. */

/** `since` / `until`: an ISO 8601 date-time, or a date alone (UTC midnight). */
export const TIME_PARAM = {
  type: 'string',
  anyOf: [{ format: 'date-time' }, { format: 'date' }],
} as const;
