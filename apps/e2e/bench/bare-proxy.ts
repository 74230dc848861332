/**
 * The baseline of `npm run bench:overhead`: a bare Fastify server that answers three of the
 * gateway's routes with the same gRPC calls, through the same client (GrpcPeer over grpc-js), to
 * the same identity and factors processes, and returns the same JSON — and does nothing else: no
 * NestJS, no authentication or API-key lookup, no rate limiting, no input validation, no
 * problem+json mapping. gateway-overhead.bench.ts starts it as a process of its own (so its CPU
 * can be read from /proc like the gateway's), with IDENTITY_GRPC_URL and FACTORS_GRPC_URL; it
 * prints `listening <port>` once it listens on 127.0.0.1:BARE_PROXY_PORT (0: any free port).
 *
 *   GET  /v1/users/:userId?tenantId=…          identity GetUser
 *   GET  /v1/users/:userId/factors?tenantId=…  factors ListFactors
 *   POST /v1/challenges/:challengeId/verify    factors VerifyChallenge, then identity GetUser
 *                                              (the gateway refuses a locked user's answer too)
 */
import {
  factorsV1,
  fromTimestamp,
  gatewayV1,
  identityV1,
  PROTO_FILES,
  PROTO_PACKAGES,
  toTimestamp,
} from '@portcullis/contracts';
import { GrpcPeer } from '@portcullis/grpc';
import Fastify from 'fastify';

// The gateway's default GRPC_DEADLINE_MS.
const DEADLINE_MS = 3000;

const identity = new GrpcPeer<identityV1.IdentityServiceClient>({
  url: process.env['IDENTITY_GRPC_URL'] ?? '127.0.0.1:50052',
  protoPath: PROTO_FILES.identity,
  packageName: PROTO_PACKAGES.identity,
  serviceName: identityV1.IDENTITY_SERVICE_NAME,
  deadlineMs: DEADLINE_MS,
});
const factors = new GrpcPeer<factorsV1.FactorsServiceClient>({
  url: process.env['FACTORS_GRPC_URL'] ?? '127.0.0.1:50053',
  protoPath: PROTO_FILES.factors,
  packageName: PROTO_PACKAGES.factors,
  serviceName: factorsV1.FACTORS_SERVICE_NAME,
  deadlineMs: DEADLINE_MS,
});

/** identity's User as the gateway's HTTP API shows it (status without its prefix). */
function toUser(u: identityV1.User | undefined): gatewayV1.User | undefined {
  if (!u) return undefined;
  return {
    id: u.id,
    tenantId: u.tenantId,
    externalId: u.externalId,
    email: u.email,
    phoneNumber: u.phoneNumber,
    status: u.status.replace(/^USER_STATUS_/, ''),
    createTime: toTimestamp(fromTimestamp(u.createTime) ?? new Date(0)),
  };
}

async function main(): Promise<void> {
  const app = Fastify();

  app.get<{ Params: { userId: string }; Querystring: { tenantId: string } }>(
    '/v1/users/:userId',
    async (request) => {
      const { user } = await identity.call('getUser', {
        tenantId: request.query.tenantId,
        userId: request.params.userId,
      });
      return gatewayV1.GetUserResponse.toJSON({ user: toUser(user) });
    },
  );

  app.get<{ Params: { userId: string }; Querystring: { tenantId: string; includeRemoved?: string } }>(
    '/v1/users/:userId/factors',
    async (request) =>
      gatewayV1.ListFactorsResponse.toJSON(
        await factors.call('listFactors', {
          tenantId: request.query.tenantId,
          userId: request.params.userId,
          includeRemoved: request.query.includeRemoved === 'true',
        }),
      ),
  );

  app.post<{
    Params: { challengeId: string };
    Body: { tenantId: string; authenticationId: string; proof: factorsV1.Proof };
  }>('/v1/challenges/:challengeId/verify', async (request, reply) => {
    const { tenantId, authenticationId, proof } = request.body;
    const verified = await factors.call('verifyChallenge', {
      tenantId,
      challengeId: request.params.challengeId,
      authenticationId,
      proof,
    });
    const { user } = await identity.call('getUser', { tenantId, userId: verified.userId });
    if (user?.status !== identityV1.UserStatus.USER_STATUS_ACTIVE) {
      return reply.code(403).send({ code: 'ACCOUNT_NOT_ACTIVE' });
    }
    return gatewayV1.VerifyChallengeResponse.toJSON(verified);
  });

  const close = () => {
    void app.close().finally(() => {
      identity.close();
      factors.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);

  await app.listen({ host: '127.0.0.1', port: Number(process.env['BARE_PROXY_PORT'] ?? 0) });
  const address = app.server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
