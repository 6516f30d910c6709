/** First run: exactly how to point Claude Code, Codex and Gemini CLI at this server. */
import { LitElement, css, html } from 'lit';
import { shared } from '../styles.js';

/** Where the agents must send to: this page's server (in `npm run dev`, the API behind Vite). */
function serverUrl(): string {
  return import.meta.env.DEV ? 'http://127.0.0.1:3141' : location.origin;
}

interface Agent {
  name: string;
  color: string;
  installer: string;
  manual: string;
  manualTitle: string;
}

function agents(base: string): Agent[] {
  return [
    {
      name: 'Claude Code',
      color: 'var(--claude)',
      installer: `AGENTSTATS_URL=${base} hooks/claude-code/install.sh --with-otel`,
      manualTitle: 'or telemetry only: add to your shell profile',
      manual: [
        'export CLAUDE_CODE_ENABLE_TELEMETRY=1',
        'export OTEL_LOGS_EXPORTER=otlp',
        'export OTEL_METRICS_EXPORTER=otlp',
        'export OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
        'export OTEL_LOGS_EXPORT_INTERVAL=2000',
        `export OTEL_EXPORTER_OTLP_ENDPOINT=${base}`,
      ].join('\n'),
    },
    {
      name: 'Codex CLI',
      color: 'var(--codex)',
      installer: `AGENTSTATS_URL=${base} hooks/codex/install.sh --with-otel`,
      manualTitle: 'or telemetry only: in ~/.codex/config.toml',
      manual: [
        '[otel]',
        `exporter = { otlp-http = { endpoint = "${base}/v1/logs", protocol = "binary" } }`,
        `metrics_exporter = { otlp-http = { endpoint = "${base}/v1/metrics", protocol = "binary" } }`,
        `trace_exporter = { otlp-http = { endpoint = "${base}/v1/traces", protocol = "binary" } }`,
      ].join('\n'),
    },
    {
      name: 'Gemini CLI',
      color: 'var(--gemini)',
      installer: `AGENTSTATS_URL=${base} hooks/gemini-cli/install.sh --with-otel`,
      manualTitle: 'or telemetry only: in ~/.gemini/settings.json',
      manual: JSON.stringify(
        { telemetry: { enabled: true, target: 'local', otlpEndpoint: base, otlpProtocol: 'http', logPrompts: false } },
        null,
        2,
      ),
    },
  ];
}

export class EmptyState extends LitElement {
  static override styles = [
    shared,
    css`
      .intro {
        margin: 0 0 12px;
        font-size: 14px;
      }
      .intro strong {
        font-size: 16px;
        display: block;
        margin-bottom: 2px;
      }
      .agents {
        display: grid;
        gap: 10px;
      }
      .cols {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(380px, 1fr));
        gap: 4px 14px;
      }
      h3 {
        margin: 0 0 8px;
        font-size: 14px;
      }
      .step {
        margin: 4px 0 4px;
        color: var(--muted);
        font-size: 12px;
      }
      .code {
        position: relative;
      }
      pre {
        margin: 0;
        padding: 8px 10px;
        background: var(--surface-2);
        border: 1px solid var(--border);
        border-radius: 6px;
        font: 12px/1.5 var(--mono);
        padding-right: 56px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .copy {
        position: absolute;
        top: 4px;
        right: 4px;
        height: 22px;
        font-size: 11px;
        padding: 0 6px;
        opacity: 0.85;
      }
      .demo {
        margin-top: 12px;
      }
    `,
  ];

  private copied = '';

  private async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied = text;
    } catch {
      this.copied = '';
    }
    this.requestUpdate();
    setTimeout(() => {
      this.copied = '';
      this.requestUpdate();
    }, 1500);
  }

  private code(text: string, label: string) {
    return html`<div class="code">
      <pre tabindex="0" aria-label=${label}>${text}</pre>
      <button class="copy" @click=${() => this.copy(text)} aria-label="Copy: ${label}">${this.copied === text ? 'Copied' : 'Copy'}</button>
    </div>`;
  }

  protected override render() {
    const base = serverUrl();
    return html`
      <p class="intro">
        <strong>No events yet — connect an agent.</strong>
        <span class="muted">AgentStats listens on <code class="mono">${base}</code>. Set up one or more agents below, start a new
          session, and its events appear here live. From the AgentStats folder, the installer adds hooks
          and telemetry in one step (it keeps your settings and backs the file up; <code class="mono">--uninstall</code> removes only what it added).</span>
      </p>
      <div class="agents">
        ${agents(base).map(
          (a) => html`<section class="panel" aria-label=${a.name}>
            <h3 class="badge" style="--c:${a.color}">${a.name}</h3>
            <div class="cols">
              <div><div class="step">Hooks + telemetry in one step</div>${this.code(a.installer, `${a.name} installer`)}</div>
              <div><div class="step">${a.manualTitle}</div>${this.code(a.manual, `${a.name} telemetry settings`)}</div>
            </div>
          </section>`,
        )}
      </div>
      <div class="panel demo">
        <h3>Just looking?</h3>
        <span class="muted">Fill this dashboard with realistic demo traffic (several agents, sessions, tools, errors and costs):</span>
        <div style="margin-top:6px">${this.code(`AGENTSTATS_URL=${base} npm run seed`, 'Seed demo data')}</div>
      </div>
    `;
  }
}

customElements.define('as-empty-state', EmptyState);
