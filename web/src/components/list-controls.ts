/** Pieces the list views share: the `/` shortcut that focuses their filter, and sortable headers. */
import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { setParams } from '../router.js';
import { store } from '../store.js';

/** Focuses the host's first <input> when the shell announces `/` (the `as-focus-filter` event). */
export class FocusFilterController implements ReactiveController {
  constructor(private readonly host: ReactiveControllerHost & { readonly renderRoot: ParentNode }) {
    host.addController(this);
  }
  hostConnected(): void {
    window.addEventListener('as-focus-filter', this.focus);
  }
  hostDisconnected(): void {
    window.removeEventListener('as-focus-filter', this.focus);
  }
  private focus = () => this.host.renderRoot.querySelector('input')?.focus();
}

/**
 * A column header that sorts by `key` through the URL (?sort=&dir=): the first click sorts
 * descending, the next one flips it. `defaultKey` is the column sorted when the URL names none.
 */
export function sortHeader(key: string, label: string, defaultKey: string, numeric = true) {
  const p = store.state.route.params;
  const active = (p.sort || defaultKey) === key;
  const dir = active ? (p.dir === 'asc' ? 'asc' : 'desc') : null;
  return html`<span class=${numeric ? 'num' : ''} aria-sort=${dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
    <button @click=${() => setParams({ sort: key, dir: dir === 'desc' ? 'asc' : 'desc' })}>${label}${dir ? (dir === 'asc' ? ' ↑' : ' ↓') : ''}</button>
  </span>`;
}
