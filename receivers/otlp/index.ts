/**
 * OTLP receiver: logs, metrics and traces from the agents' OpenTelemetry exporters.
 *   HTTP  POST /api/otel/v1/{logs,metrics,traces} and /v1/{logs,metrics,traces}
 *         (application/json or application/x-protobuf, gzip optional)
 *   gRPC  opentelemetry.proto.collector.*.v1.*Service/Export on AGENTSTATS_GRPC_PORT (off = none)
 * See docs/otlp.md for what each agent sends and how it is mapped.
 */
import type { ReceiverFactory } from '../../collector/component.js';
import { startGrpc, type GrpcServer } from './grpc.js';
import { registerHttp } from './http.js';
import { OtlpSignals } from './signals.js';

export interface OtlpReceiverConfig {
  /** Prefixes for the /v1/<signal> routes: '/api/otel' and '' (the standard OTLP paths). */
  prefixes: string[];
}

const factory: ReceiverFactory<OtlpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp',
  defaultConfig: () => ({ prefixes: ['/api/otel', ''] }),
  validate: (c) =>
    c.prefixes.every((p) => p === '' || (p.startsWith('/') && !p.endsWith('/')))
      ? []
      : ['prefixes must be "" or start with "/" and not end with "/"'],
  create(config, ctx) {
    const signals = new OtlpSignals(ctx);
    const bodyLimit = ctx.app.maxBodyKb * 1024;
    registerHttp(ctx.http, signals, { prefixes: config.prefixes, bodyLimit });
    let grpcServer: GrpcServer | null = null;
    return {
      async start() {
        if (ctx.app.grpcPort === null) return;
        try {
          grpcServer = await startGrpc(signals, {
            host: ctx.app.host,
            port: ctx.app.grpcPort,
            maxMessageBytes: bodyLimit,
            token: ctx.app.token,
            logger: ctx.logger,
          });
        } catch (error) {
          // A port clash (another collector on 4317) must not take the HTTP receivers down with it.
          ctx.logger.warn('OTLP/gRPC receiver not started', { port: ctx.app.grpcPort, error: String(error) });
          process.stdout.write(`AgentStats OTLP/gRPC not started: ${String(error)}\n`);
          return;
        }
        const host = ctx.app.host.includes(':') ? `[${ctx.app.host}]` : ctx.app.host;
        process.stdout.write(`AgentStats OTLP/gRPC listening on ${host}:${grpcServer.port}\n`);
      },
      async shutdown() {
        await grpcServer?.close();
      },
    };
  },
};

export default factory;
