/**
 * The URL is the source of truth for the view and its filters: deep links work and the back
 * button walks through views and filter changes (History API; the server serves index.html for
 * unknown non-API paths).
 */

export type View = 'overview' | 'sessions' | 'session' | 'tools' | 'cost' | 'project' | 'search' | 'errors';

/**
 * Every view with a path that shows it (`:id` stands for a session id). Typed by View, so a new
 * view must be listed here: the UI test screenshots every entry (light, dark, 400 px).
 */
export const VIEW_PATHS: Record<View, string> = {
  overview: '/',
  sessions: '/sessions',
  session: '/sessions/:id',
  tools: '/tools',
  cost: '/cost',
  project: '/project/:name',
  search: '/search',
  errors: '/errors',
};

export interface Route {
  view: View;
  /** Session id on the session page; the project's name on the project page. */
  id: string | null;
  params: Record<string, string>;
}

export function parseRoute(loc: { pathname: string; search: string } = location): Route {
  const parts = loc.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const params = Object.fromEntries(new URLSearchParams(loc.search));
  delete params.access_token;
  if (parts[0] === 'sessions' && parts[1]) return { view: 'session', id: parts[1], params };
  if (parts[0] === 'sessions') return { view: 'sessions', id: null, params };
  if (parts[0] === 'project' && parts[1]) return { view: 'project', id: parts[1], params };
  if (parts[0] === 'tools') return { view: 'tools', id: null, params };
  if (parts[0] === 'cost') return { view: 'cost', id: null, params };
  if (parts[0] === 'search') return { view: 'search', id: null, params };
  if (parts[0] === 'errors') return { view: 'errors', id: null, params };
  return { view: 'overview', id: null, params };
}

export function hrefFor(view: View, id: string | null = null, params: Record<string, string | undefined> = {}): string {
  const path =
    view === 'session' && id
      ? `/sessions/${encodeURIComponent(id)}`
      : view === 'project' && id
        ? `/project/${encodeURIComponent(id)}`
        : view === 'overview'
        ? '/'
        : `/${view}`;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

type Listener = (route: Route) => void;
const listeners = new Set<Listener>();

export function onRoute(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(): void {
  const route = parseRoute();
  for (const fn of listeners) fn(route);
}

export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  const target = new URL(href, location.origin);
  if (target.pathname + target.search === location.pathname + location.search) return;
  if (opts.replace) history.replaceState(null, '', target.pathname + target.search);
  else history.pushState(null, '', target.pathname + target.search);
  if (!opts.replace) window.scrollTo(0, 0);
  emit();
}

/** Changes some query parameters of the current view; empty values are removed. */
export function setParams(changes: Record<string, string | undefined>, opts: { replace?: boolean } = {}): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v) q.set(k, v);
    else q.delete(k);
  }
  const s = q.toString();
  navigate(location.pathname + (s ? `?${s}` : ''), opts);
}

/** Same-origin link clicks become History API navigations (modifier keys keep new-tab behaviour). */
export function installLinkInterception(root: Document = document): void {
  window.addEventListener('popstate', emit);
  root.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!a || a.target || a.hasAttribute('download') || !a.href) return;
    const target = new URL(a.href);
    if (target.origin !== location.origin || target.pathname.startsWith('/api/')) return;
    e.preventDefault();
    navigate(target.pathname + target.search);
  });
}
