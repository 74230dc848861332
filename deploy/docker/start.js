// Entry point of the runtime image: starts the service named by SERVICE (set per image by the
// build argument, or per container, e.g. by the Helm chart). Arguments pass through, so
// `docker run IMAGE migrate` runs the migrate step and `docker run IMAGE rotate-keys` a command of
// factors. tini (the image's ENTRYPOINT) forwards SIGTERM to this process, which the service
// handles: health turns NOT_SERVING, consumers commit, the pool closes, exit 0.
'use strict';

const { join } = require('node:path');

const SERVICES = ['gateway', 'identity', 'factors', 'delivery', 'risk', 'audit'];
const service = process.env.SERVICE;

if (!SERVICES.includes(service)) {
  process.stderr.write(
    `${JSON.stringify({
      level: 'fatal',
      msg: `SERVICE must be one of ${SERVICES.join(', ')}`,
      service: service ?? null,
    })}\n`,
  );
  process.exit(1);
}

require(join(__dirname, 'apps', service, 'src', 'main.js'));
