#!/usr/bin/env node
import { once } from 'node:events';
import { PortcullisClient } from '../portcullis-http.client';
import { runCli } from './portcullis-cli';

// `npm run portcullis -- <noun> <verb> [flags]`; see CLI_USAGE.
runCli(
  process.argv.slice(2),
  {
    // A full pipe (`… | gzip > export.ndjson`) makes the export wait rather than buffer.
    out: (line) => (process.stdout.write(`${line}\n`) ? undefined : once(process.stdout, 'drain')),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  },
  ({ url, key }) => new PortcullisClient({ baseUrl: url, apiKey: key }),
).then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
