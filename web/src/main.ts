/** Boots the dashboard: routes, the store (HTTP + SSE), and the app shell. */
import { installLinkInterception, onRoute } from './router.js';
import { store } from './store.js';
import './components/app-shell.js';
import './components/overview-view.js';
import './components/sessions-view.js';
import './components/session-page.js';
import './components/tools-view.js';
import './components/cost-view.js';
import './components/search-view.js';
import './components/errors-view.js';

installLinkInterception();
onRoute((route) => store.setRoute(route));
void store.start();
