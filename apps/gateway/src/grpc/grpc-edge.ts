import type { Metadata } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import { gatewayV1 } from '@portcullis/contracts';

/** The Bearer credential of a gRPC call (metadata `authorization`). */
export const authorizationOf = (metadata: Metadata | undefined) => {
  const value = metadata?.get('authorization')[0];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Marks a method as the GatewayService RPC of the same name. The service's RPCs are split over
 * several controllers (the generated class decorator wants them all in one), and a unit test
 * checks that together they implement every RPC of the contract.
 */
export const GatewayRpc = (): MethodDecorator => (target, key, descriptor) =>
  GrpcMethod(gatewayV1.GATEWAY_SERVICE_NAME, String(key))(target, key, descriptor);
