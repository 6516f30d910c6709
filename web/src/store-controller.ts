/** Lit glue for the store: re-renders an element whenever the store changes. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { store } from './store.js';

export class StoreController implements ReactiveController {
  private off: (() => void) | null = null;
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    this.off = store.subscribe(() => this.host.requestUpdate());
  }
  hostDisconnected(): void {
    this.off?.();
  }
}
