/**
 * OTLP receiver: logs, metrics and traces from the agents' OpenTelemetry exporters.
 *   HTTP  POST <prefix>/v1/{logs,metrics,traces} for each configured prefix
 *         (application/json or application/x-protobuf, gzip optional)
 *   gRPC  opentelemetry.proto.collector.*.v1.*Service/Export on grpc_port ("off" = none)
 * See docs/otlp.md for what each agent sends and how it is mapped.
 */
import { requireHttp, type ReceiverFactory } from '../../collector/core/component.js';
import { startGrpc, type GrpcServer } from './grpc.js';
import { registerHttp } from './http.js';
import { BodyDecoder } from './body-decoder.js';
import { OtlpSignals } from './signals.js';

export interface OtlpReceiverConfig {
  /** Prefixes for the /v1/<signal> routes: '/api/otel' and '' (the standard OTLP paths). */
  prefixes: string[];
  /** OTLP/gRPC port on the service's bind address, or "off". */
  grpc_port: number | 'off';
  /** Bodies of at least this many KiB (after decompression) are decoded on a worker thread; 0 = never. */
  decode_off_thread_kb: number;
}

const factory: ReceiverFactory<OtlpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp',
  description: 'OTLP logs, metrics and traces over HTTP (JSON or protobuf, gzip) and gRPC.',
  needsHttp: true,
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      prefixes: {
        type: 'array',
        items: { type: 'string', pattern: '^(|/.*[^/])$' },
        uniqueItems: true,
        description: 'URL prefixes of the `/v1/<signal>` routes (`""` = the standard OTLP paths).',
      },
      grpc_port: {
        oneOf: [{ type: 'integer', minimum: 0, maximum: 65535 }, { const: 'off' }],
        description: 'OTLP/gRPC port on the bind address, or `"off"`.',
      },
      decode_off_thread_kb: {
        type: 'integer',
        minimum: 0,
        description: 'Bodies of at least this many KiB (decompressed) are decoded on a worker thread, so a large export never holds up other answers; 0 = always on the main thread.',
      },
    },
  },
  defaultConfig: () => ({ prefixes: ['/api/otel', ''], grpc_port: 4317, decode_off_thread_kb: 256 }),
  create(config, host) {
    const signals = new OtlpSignals(host);
    const bodyLimit = host.settings.maxBodyBytes;
    const decoder = new BodyDecoder(config.decode_off_thread_kb * 1024);
    registerHttp(requireHttp(host), signals, { prefixes: config.prefixes, bodyLimit, decoder });
    let grpcServer: GrpcServer | null = null;
    const bindHost = host.settings.bindHost;
    return {
      async start() {
        if (config.grpc_port === 'off') return;
        try {
          grpcServer = await startGrpc(signals, {
            host: bindHost,
            port: config.grpc_port,
            maxMessageBytes: bodyLimit,
            token: host.settings.token,
            logger: host.logger,
            decoder,
          });
        } catch (error) {
          // A port clash (another collector on 4317) must not take the HTTP receivers down with it.
          host.announce(
            `AgentStats OTLP/gRPC not started on port ${config.grpc_port}: ${String(error)}; set receivers.${host.id}.grpc_port (AGENTSTATS_GRPC_PORT) to a free port or "off"`,
          );
          return;
        }
        const shown = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
        // A named instance (otlp/team) says which it is: several may listen side by side.
        const which = host.id === factory.type ? '' : ` (${host.id})`;
        host.announce(`AgentStats OTLP/gRPC listening on ${shown}:${grpcServer.port}${which}`);
      },
      async shutdown() {
        await grpcServer?.close();
        await decoder.close();
      },
    };
  },
};

export default factory;
