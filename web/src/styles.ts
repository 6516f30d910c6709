/** Styles every view shares. Colours come from the theme variables set on :root (index.html). */
import { css } from 'lit';

export const shared = css`
  :host {
    display: block;
    color: var(--text);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  a {
    color: var(--accent);
    text-decoration: none;
  }
  a:hover {
    text-decoration: underline;
  }
  :focus-visible {
    outline: 2px solid var(--accent);
    outline-offset: 1px;
    border-radius: 3px;
  }
  h2 {
    font-size: 13px;
    font-weight: 600;
    margin: 0 0 8px;
    color: var(--text);
    display: flex;
    align-items: center;
    gap: 8px;
  }
  h2 .hint {
    font-weight: 400;
  }
  .panel {
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 8px;
    padding: 12px;
    box-shadow: var(--shadow);
    min-width: 0;
  }
  .muted {
    color: var(--muted);
  }
  .hint {
    color: var(--faint);
    font-size: 12px;
  }
  .mono {
    font-family: var(--mono);
    font-size: 12px;
  }
  .num {
    font-variant-numeric: tabular-nums;
    text-align: right;
    white-space: nowrap;
  }
  .err {
    color: var(--err);
  }
  .ok {
    color: var(--ok);
  }
  /* Usage with no known price: never a $0.00. */
  .warn {
    color: var(--warn);
  }
  .ellipsis {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-width: 0;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
    margin-bottom: 8px;
  }
  .spacer {
    flex: 1;
  }
  button,
  select,
  input {
    font: inherit;
    color: var(--text);
    background: var(--surface);
    border: 1px solid var(--border);
    border-radius: 6px;
    padding: 3px 8px;
    height: 26px;
  }
  input {
    min-width: 160px;
  }
  button {
    cursor: pointer;
  }
  button:hover,
  select:hover {
    border-color: var(--faint);
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: white;
  }
  .seg {
    display: inline-flex;
    border: 1px solid var(--border);
    border-radius: 6px;
    overflow: hidden;
  }
  .seg button {
    border: 0;
    border-radius: 0;
    height: 24px;
  }
  .seg button + button {
    border-left: 1px solid var(--border);
  }
  .seg button[aria-pressed='true'] {
    background: var(--accent-soft);
    color: var(--accent);
    font-weight: 600;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    white-space: nowrap;
  }
  .badge::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 2px;
    background: var(--c, var(--other));
    flex: none;
  }
  .pill {
    display: inline-block;
    padding: 0 7px;
    border-radius: 9px;
    font-size: 11px;
    line-height: 18px;
    background: var(--surface-2);
    color: var(--muted);
    white-space: nowrap;
  }
  .pill.active {
    background: color-mix(in srgb, var(--ok) 16%, transparent);
    color: var(--ok);
  }
  .pill.error {
    background: var(--err-soft);
    color: var(--err);
  }
  /* Grid tables: virtualised rows are divs, so headers and rows share grid-template-columns. */
  .table {
    border: 1px solid var(--border);
    border-radius: 8px;
    background: var(--surface);
    /* A narrow screen scrolls the table inside its card, never the page (--table-min per table). */
    overflow-x: auto;
    overflow-y: hidden;
  }
  .table > * {
    min-width: var(--table-min, 0);
  }
  .thead,
  .row {
    display: grid;
    grid-template-columns: var(--cols);
    gap: 10px;
    align-items: center;
    padding: 0 10px;
  }
  .thead {
    height: 30px;
    font-size: 11px;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    color: var(--muted);
    border-bottom: 1px solid var(--border);
    background: var(--surface-2);
  }
  .thead button {
    all: unset;
    cursor: pointer;
  }
  .thead button:focus-visible {
    outline: 2px solid var(--accent);
  }
  .row {
    height: 100%;
    border-bottom: 1px solid color-mix(in srgb, var(--border) 60%, transparent);
    color: var(--text);
    text-decoration: none;
  }
  a.row:hover,
  .row:hover {
    background: var(--surface-2);
    text-decoration: none;
  }
  .row.error {
    background: color-mix(in srgb, var(--err) 7%, transparent);
  }
  /* A sighting already counted from another source: listed, but not in counts or sums. */
  .row.folded > *,
  .row.folded .dim {
    opacity: 0.5;
  }
  .row.folded > .keep {
    opacity: 1;
  }
  .tag {
    display: inline-block;
    padding: 0 5px;
    margin-right: 6px;
    border: 1px solid var(--border);
    border-radius: 8px;
    font-size: 10.5px;
    line-height: 15px;
    color: var(--muted);
    white-space: nowrap;
    vertical-align: 1px;
  }
  .tag.import {
    border-color: color-mix(in srgb, var(--accent) 45%, transparent);
    color: var(--accent);
  }
  /* A breakdown row for events without that dimension (the server's '' key). */
  .none {
    color: var(--faint);
    font-style: italic;
  }
  .bar {
    height: 6px;
    border-radius: 3px;
    background: var(--accent);
    opacity: 0.75;
  }
  .empty {
    padding: 24px;
    text-align: center;
    color: var(--muted);
  }
`;
