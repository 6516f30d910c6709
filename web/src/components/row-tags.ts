/** Small tags on event rows: a folded sighting (counted once, elsewhere) and an imported event. */
import { html, nothing } from 'lit';
import { when } from '../format.js';
import { foldLabel, foldTitle, type Folded } from '../folded.js';
import type { StoredEvent } from '../types.js';

export function foldTag(e: StoredEvent, f: Folded | undefined) {
  return f ? html`<span class="tag fold" title=${foldTitle(f, e)}>${foldLabel(f, e)}</span>` : nothing;
}

export function importTag(e: StoredEvent) {
  return e.source === 'import'
    ? html`<span class="tag import" title=${`Imported from an agent's history file on ${when(e.created_at)}; the time shown is when it happened.`}>imported</span>`
    : nothing;
}
