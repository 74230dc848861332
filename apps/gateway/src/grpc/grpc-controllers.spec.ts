import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_FILES, PROTO_ROOT } from '@portcullis/contracts';
import { FlowsGrpcController } from './flows.controller';
import { GatewayGrpcController } from './gateway.controller';

/** The RPCs as the gateway's gRPC controllers register them with Nest. */
function registered(controller: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(controller.prototype).flatMap((name) => {
    const method = (controller.prototype as Record<string, unknown>)[name];
    if (typeof method !== 'function') return [];
    const pattern = Reflect.getMetadata(PATTERN_METADATA, method) as unknown;
    const patterns = Array.isArray(pattern) ? pattern : pattern ? [pattern] : [];
    return patterns.map((p: { service: string; rpc: string }) => `${p.service}.${p.rpc}`);
  });
}

describe('the gateway gRPC controllers', () => {
  it('together serve every RPC of GatewayService, each once', () => {
    const definition = loadSync(PROTO_FILES.gateway, { includeDirs: [PROTO_ROOT] });
    const service = definition['portcullis.gateway.v1.GatewayService'] as Record<
      string,
      { originalName?: string }
    >;
    const expected = Object.values(service)
      .map((m) => `GatewayService.${m.originalName}`)
      .sort();
    const served = [...registered(GatewayGrpcController), ...registered(FlowsGrpcController)].sort();
    expect(served).toEqual(expected);
  });
});
