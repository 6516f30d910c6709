/**
 * The frame: navigation, connection state, theme toggle, keyboard shortcuts, the current view, and
 * the health strip in the footer.
 */
import { LitElement, css, html } from 'lit';
import { checkToken, hasToken, saveToken } from '../api.js';
import { hrefFor, navigate, type View } from '../router.js';
import { store } from '../store.js';
import { StoreController } from '../store-controller.js';
import { shared } from '../styles.js';
import { effectiveTheme, toggleTheme } from '../theme.js';
import { ago } from '../format.js';
import './health-strip.js';
import './budget-banner.js';
import './filter-chips.js';
import './project-page.js';
import { globalParams } from '../filters.js';

const NAV: Array<[View, string, string]> = [
  ['overview', 'Overview', '1'],
  ['sessions', 'Sessions', '2'],
  ['tools', 'Tools', '3'],
  ['cost', 'Cost', '4'],
  ['search', 'Search', '5'],
  ['errors', 'Errors', '6'],
];

const SUN = html`<svg width="15" height="15" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/></svg>`;
const MOON = html`<svg width="15" height="15" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z"/></svg>`;

export class AppShell extends LitElement {
  static override styles = [
    shared,
    css`
      header {
        position: sticky;
        top: 0;
        z-index: 5;
        display: flex;
        align-items: center;
        gap: 18px;
        height: 44px;
        padding: 0 16px;
        background: var(--surface);
        border-bottom: 1px solid var(--border);
      }
      .brand {
        font-weight: 700;
        font-size: 14px;
        color: var(--text);
        display: flex;
        align-items: center;
        gap: 7px;
      }
      .brand svg {
        flex: none;
      }
      /* More views than fit a phone's width: the strip scrolls sideways, it never wraps. */
      nav {
        display: flex;
        gap: 2px;
        height: 100%;
        flex: 0 1 auto;
        min-width: 0;
        overflow-x: auto;
        scrollbar-width: none;
      }
      nav a {
        flex: none;
        white-space: nowrap;
      }
      nav a {
        display: flex;
        flex: none;
        align-items: center;
        padding: 0 10px;
        color: var(--muted);
        border-bottom: 2px solid transparent;
        font-weight: 500;
      }
      nav a:hover {
        color: var(--text);
        text-decoration: none;
      }
      nav a[aria-current='page'] {
        color: var(--text);
        border-bottom-color: var(--accent);
      }
      .conn {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-size: 12px;
        color: var(--muted);
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--faint);
      }
      .conn[data-state='live'] .dot {
        background: var(--ok);
        box-shadow: 0 0 0 3px color-mix(in srgb, var(--ok) 22%, transparent);
      }
      .conn[data-state='connecting'] .dot {
        background: var(--warn);
        animation: pulse 1s infinite alternate;
      }
      .conn[data-state='offline'] .dot,
      .conn[data-state='unauthorized'] .dot {
        background: var(--err);
      }
      @keyframes pulse {
        to {
          opacity: 0.3;
        }
      }
      .icon {
        width: 28px;
        padding: 0;
        display: grid;
        place-items: center;
      }
      .conn,
      .icon {
        flex: none;
      }
      main {
        padding: 14px 16px 24px;
        max-width: 1500px;
        margin: 0 auto;
      }
      footer .hint {
        text-align: center;
        padding: 8px 0 16px;
      }
      kbd {
        font-family: var(--mono);
        font-size: 11px;
        padding: 0 4px;
        border: 1px solid var(--border);
        border-radius: 3px;
      }
      @media (max-width: 640px) {
        header {
          gap: 8px;
          padding: 0 8px;
        }
        main {
          padding: 10px 8px 20px;
        }
        .brand span,
        .conn .label {
          display: none;
        }
        .conn[data-state='offline'] .label,
        .conn[data-state='unauthorized'] .label {
          display: inline;
        }
      }
    `,
  ];

  private ctl = new StoreController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
    window.addEventListener('as-theme', this.rerender);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
    window.removeEventListener('as-theme', this.rerender);
  }

  private rerender = () => this.requestUpdate();

  private onKey = (e: KeyboardEvent): void => {
    const path = e.composedPath();
    const typing = path.some((n) => n instanceof HTMLInputElement || n instanceof HTMLSelectElement || n instanceof HTMLTextAreaElement);
    if (typing || e.metaKey || e.ctrlKey || e.altKey) return;
    const nav = NAV.find(([, , key]) => key === e.key);
    if (nav) {
      e.preventDefault();
      navigate(hrefFor(nav[0], null, globalParams(store.state.route.params)));
    } else if (e.key === '/') {
      e.preventDefault();
      // Views with a filter focus it; elsewhere `/` opens search, ready to type.
      if (['sessions', 'tools', 'search'].includes(store.state.route.view)) window.dispatchEvent(new Event('as-focus-filter'));
      else this.openSearch();
    } else if (e.key === 'p' && store.state.route.view === 'overview') {
      store.setPaused(!store.state.paused);
    }
  };

  /**
   * Search opened with `/` or its tab takes the focus once it has rendered (a timer runs after
   * Lit's microtask updates). Not on its number key: the next number key must still switch views.
   */
  private openSearch(): void {
    navigate(hrefFor('search', null, globalParams(store.state.route.params)));
    setTimeout(() => window.dispatchEvent(new Event('as-focus-filter')));
  }

  private renderConnection() {
    const s = store.state;
    const label =
      s.connection === 'live'
        ? 'Live'
        : s.connection === 'connecting'
          ? 'Connecting…'
          : s.connection === 'unauthorized'
            ? 'Token needed'
            : 'Offline';
    const title = s.stats?.generated_at ? `Last update ${ago(s.stats.generated_at)}` : '';
    return html`<span class="conn" data-state=${s.connection} role="status" aria-live="polite" title=${title}>
      <span class="dot"></span><span class="label">${label}</span>
      ${s.connection === 'offline' ? html`<button class="retry" @click=${() => store.retry()} title="The server does not answer; the page retries every few seconds by itself">Retry</button>` : null}
    </span>`;
  }

  /** What the token prompt says about the last token tried. */
  private tokenError = '';

  private renderToken() {
    const submit = async (e: Event) => {
      e.preventDefault();
      const input = (e.target as HTMLFormElement).elements.namedItem('token') as HTMLInputElement;
      // Checked before it is kept: a wrong token says so here instead of reloading into the same prompt.
      const verdict = await checkToken(input.value);
      if (verdict === 'ok') {
        saveToken(input.value);
        location.reload();
        return;
      }
      this.tokenError = verdict === 'rejected' ? 'Wrong token: the server did not accept it.' : 'The server did not answer; try again.';
      this.requestUpdate();
    };
    const error = this.tokenError || (hasToken() ? 'The saved token was not accepted: enter the current one.' : '');
    return html`<form class="panel toolbar token" @submit=${submit}>
      <span>This server needs its API token (AGENTSTATS_TOKEN).</span>
      <input name="token" type="password" autocomplete="off" aria-label="API token" required />
      <button class="primary">Save</button>
      ${error ? html`<span class="err token-error" role="alert">${error}</span>` : null}
    </form>`;
  }

  private renderView() {
    const r = store.state.route;
    switch (r.view) {
      case 'sessions':
        return html`<as-sessions></as-sessions>`;
      case 'session':
        return html`<as-session-page></as-session-page>`;
      case 'tools':
        return html`<as-tools></as-tools>`;
      case 'cost':
        return html`<as-cost></as-cost>`;
      case 'project':
        return html`<as-project-page></as-project-page>`;
      case 'search':
        return html`<as-search></as-search>`;
      case 'errors':
        return html`<as-errors></as-errors>`;
      default:
        return html`<as-overview></as-overview>`;
    }
  }

  protected override render() {
    const view = store.state.route.view;
    const current = view === 'session' ? 'sessions' : view;
    const dark = effectiveTheme() === 'dark';
    return html`
      <header>
        <a class="brand" href="/" aria-label="AgentStats overview">
          <svg width="18" height="18" viewBox="0 0 16 16" aria-hidden="true"><rect width="16" height="16" rx="3" fill="var(--accent)" /><path d="M3 12V8h2v4zm4 0V4h2v8zm4 0V6h2v6z" fill="white" /></svg>
          <span>AgentStats</span>
        </a>
        <nav aria-label="Views">
          ${NAV.map(
            ([v, label, key]) =>
              html`<a
                href=${hrefFor(v, null, globalParams(store.state.route.params))}
                aria-current=${current === v ? 'page' : 'false'}
                title="${label} (${key})"
                @click=${v === 'search' ? () => setTimeout(() => window.dispatchEvent(new Event('as-focus-filter'))) : null}
                >${label}</a
              >`,
          )}
        </nav>
        <span class="spacer"></span>
        ${this.renderConnection()}
        <button class="icon" @click=${toggleTheme} aria-label=${dark ? 'Switch to light theme' : 'Switch to dark theme'} title="Toggle theme">${dark ? SUN : MOON}</button>
      </header>
      <main>
        ${store.state.connection === 'unauthorized' ? this.renderToken() : null}
        <as-budget-banner></as-budget-banner>
        ${view === 'session' ? null : html`<as-filter-chips></as-filter-chips>`}
        ${this.renderView()}
      </main>
      <footer>
        <as-health-strip></as-health-strip>
        <div class="hint">Keys: <kbd>1</kbd>–<kbd>${NAV.length}</kbd> views · <kbd>/</kbd> search or filter · <kbd>p</kbd> pause the feed</div>
      </footer>
    `;
  }
}

customElements.define('as-app', AppShell);
