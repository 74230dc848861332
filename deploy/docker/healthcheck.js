// The image's HEALTHCHECK: grpc.health.v1 Check of "" (readiness: listening, its database and
// Kafka answering, not shutting down) on the service's own gRPC port (GRPC_PORT, else the
// service's default), the probe `npm run status` and docker-compose.yml make. Exit 0 when
// SERVING. Kubernetes ignores HEALTHCHECK; the Helm chart uses its native gRPC probes instead.
'use strict';

const grpc = require('@grpc/grpc-js');
const { loadSync } = require('@grpc/proto-loader');
const { protoPath } = require('grpc-health-check');

const DEFAULT_PORTS = {
  gateway: 50051,
  identity: 50061,
  factors: 50062,
  delivery: 50063,
  risk: 50064,
  audit: 50065,
};
const port = process.env.GRPC_PORT || DEFAULT_PORTS[process.env.SERVICE];
const { Health } = grpc.loadPackageDefinition(loadSync(protoPath, { enums: String })).grpc.health.v1;

new Health(`127.0.0.1:${port}`, grpc.credentials.createInsecure()).check(
  { service: '' },
  { deadline: Date.now() + 3000 },
  (error, reply) => process.exit(!error && reply.status === 'SERVING' ? 0 : 1),
);
