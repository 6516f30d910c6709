/**
 * Facts about the agent install and machine that belong on the session row (metadata.session):
 * resource attributes (service name/version, host, OS) and the identity attributes agents put on
 * every record (user, organisation, terminal, app version).
 */
import type { Attrs } from './values.js';

/** Resource keys never copied: command lines can hold a prompt (`gemini -p "..."`). */
const SECRET_RESOURCE_KEYS = new Set(['process.command_args', 'process.command_line', 'process.command']);

/** Record attributes that describe the session rather than the event. */
const IDENTITY_KEYS = [
  'user.id',
  'user.email',
  'user.account_uuid',
  'user.account_id',
  'organization.id',
  'terminal.type',
  'app.version',
  'installation.id',
  'originator',
  'auth_type',
  'auth_mode',
  'anthropic.provider',
];

export function resourceFacts(resource: Attrs): Attrs {
  const facts: Attrs = {};
  for (const [key, value] of Object.entries(resource)) {
    if (SECRET_RESOURCE_KEYS.has(key) || key.startsWith('telemetry.sdk.')) continue;
    facts[key] = value;
  }
  return facts;
}

export function sessionFacts(resource: Attrs, attrs: Attrs): Attrs {
  const facts = resourceFacts(resource);
  for (const key of IDENTITY_KEYS) {
    const value = attrs[key];
    if (value !== undefined && value !== null) facts[key] = value;
  }
  return facts;
}
