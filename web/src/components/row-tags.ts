/** Small tags on event rows: a folded sighting (counted once, elsewhere) and an imported event. */
import { html, nothing } from 'lit';
import { when } from '../format.js';
import { foldLabel, foldTitle, type Folded } from '../folded.js';
import type { StoredEvent } from '../types.js';

export function foldTag(e: StoredEvent, f: Folded | undefined) {
  return f ? html`<span class="tag fold" title=${foldTitle(f, e)}>${foldLabel(f, e)}</span>` : nothing;
}

/** How late a history-file event may arrive and still be live activity (the server watching the file). */
const LIVE_FILE_MS = 10 * 60_000;

/**
 * History-file events: "imported" when they arrive well after they happened (an import of old
 * transcripts), "file" when the server's live watching read them as the agent wrote them.
 */
export function importTag(e: StoredEvent) {
  if (e.source !== 'import') return nothing;
  const late = Date.parse(e.created_at) - Date.parse(e.client_timestamp ?? e.created_at);
  return late < LIVE_FILE_MS
    ? html`<span class="tag import live" title="Read from the agent's history file as it was written (live watching)">file</span>`
    : html`<span class="tag import" title=${`Imported from an agent's history file on ${when(e.created_at)}; the time shown is when it happened.`}>imported</span>`;
}
