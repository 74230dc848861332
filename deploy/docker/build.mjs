#!/usr/bin/env node
// Compiles the six services to JavaScript for the runtime image (deploy/docker/Dockerfile, build
// stage), and proves that what it wrote runs on production dependencies only.
//
//   node deploy/docker/build.mjs [--out DIR] [--allow-dev PKG ...]   (default DIR: dist/image)
//
// The output mirrors the repository's layout, so every path the code computes from __dirname
// still holds: apps/<service>/src/**/*.js, libs/**/src/**/*.js, the gateway's HTML/CSS/JS assets
// beside its code, proto/ (the gRPC loader reads the .proto sources at run time) and
// package.json (the OpenAPI document's version). Source maps sit beside each file.
//
// The compiler options are the repository's .swcrc (legacy decorators with decorator metadata,
// which NestJS's dependency injection needs; class names kept), plus the `@portcullis/*` aliases of
// tsconfig.base.json, which swc rewrites into relative requires: the image needs no loader.
//
// It then walks the require graph from each apps/<service>/src/main.js and fails when a relative
// require does not resolve to a written file, or a package is required that package.json lists
// only under devDependencies (or not at all): the runtime stage installs `npm ci --omit=dev`.
// `--allow-dev PKG` accepts one such package that the Dockerfile copies into the runtime stage
// by hand (a stopgap until package.json lists it under dependencies).
import { builtinModules } from 'node:module';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVICES = ['gateway', 'identity', 'factors', 'delivery', 'risk', 'audit'];

const args = process.argv.slice(2);
const outArg = args.indexOf('--out');
const OUT = resolve(outArg >= 0 ? args[outArg + 1] : join(ROOT, 'dist/image'));
const ALLOWED_DEV = new Set(args.flatMap((arg, i) => (args[i - 1] === '--allow-dev' ? [arg] : [])));

/** Source folders of the services and the shared libraries they may import. */
function sourceRoots() {
  const platform = join(ROOT, 'libs/platform');
  return [
    ...SERVICES.map((s) => `apps/${s}/src`),
    'libs/contracts/src',
    ...readdirSync(platform)
      .filter((d) => existsSync(join(platform, d, 'src')))
      .map((d) => `libs/platform/${d}/src`),
  ];
}

const isTest = (file) => /\.(spec|test|integration-spec|e2e-spec)\.ts$/.test(file) || file.endsWith('.d.ts');

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '__tests__' || entry.name === 'node_modules') continue;
      yield* walk(path);
    } else if (entry.isFile()) yield path;
  }
}

function swcOptions() {
  const rc = JSON.parse(readFileSync(join(ROOT, '.swcrc'), 'utf8'));
  delete rc.$schema;
  const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8'));
  return {
    ...rc,
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    jsc: { ...rc.jsc, baseUrl: ROOT, paths: compilerOptions.paths },
  };
}

async function compile() {
  rmSync(OUT, { recursive: true, force: true });
  const options = swcOptions();
  let compiled = 0;
  let copied = 0;
  for (const root of sourceRoots()) {
    for (const file of walk(join(ROOT, root))) {
      const rel = relative(ROOT, file);
      if (file.endsWith('.ts')) {
        if (isTest(file)) continue;
        const target = join(OUT, rel.replace(/\.ts$/, '.js'));
        mkdirSync(dirname(target), { recursive: true });
        const { code, map } = await swc.transformFile(file, {
          ...options,
          filename: file,
          sourceFileName: relative(dirname(target), join(ROOT, rel)).split(sep).join('/'),
        });
        const mapName = `${target.split(sep).pop()}.map`;
        writeFileSync(target, `${code}\n//# sourceMappingURL=${mapName}\n`);
        if (map) writeFileSync(`${target}.map`, map);
        compiled += 1;
      } else {
        // Assets read at run time (the gateway's pages, styles and browser scripts), as they are.
        mkdirSync(dirname(join(OUT, rel)), { recursive: true });
        copyFileSync(file, join(OUT, rel));
        copied += 1;
      }
    }
  }
  for (const file of walk(join(ROOT, 'proto'))) {
    if (!file.endsWith('.proto')) continue;
    const target = join(OUT, relative(ROOT, file));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
    copied += 1;
  }
  copyFileSync(join(ROOT, 'package.json'), join(OUT, 'package.json'));
  copyFileSync(join(ROOT, 'deploy/docker/start.js'), join(OUT, 'start.js'));
  copyFileSync(join(ROOT, 'deploy/docker/healthcheck.js'), join(OUT, 'healthcheck.js'));
  return { compiled, copied: copied + 3 };
}

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const REQUIRE = /\brequire\(\s*["']([^"']+)["']\s*\)/g;

function resolveLocal(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.js`, `${base}.json`, join(base, 'index.js')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const packageName = (spec) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];

/** The require graph of each service: relative files exist, packages are production dependencies. */
function checkGraph() {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const production = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
    ...ALLOWED_DEV,
  ]);
  const problems = [];
  let files = 0;
  const seen = new Set();
  for (const service of SERVICES) {
    const main = join(OUT, `apps/${service}/src/main.js`);
    if (!existsSync(main)) {
      problems.push(`apps/${service}/src/main.js was not written`);
      continue;
    }
    const queue = [main];
    while (queue.length > 0) {
      const file = queue.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      if (!file.endsWith('.js')) continue;
      files += 1;
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(REQUIRE)) {
        if (spec.startsWith('.') || spec.startsWith('/')) {
          const target = resolveLocal(file, spec);
          if (target) queue.push(target);
          else problems.push(`${relative(OUT, file)}: require('${spec}') does not resolve in the image`);
        } else if (!BUILTINS.has(spec) && !production.has(packageName(spec))) {
          problems.push(
            `${relative(OUT, file)}: require('${spec}') is not a production dependency (npm ci --omit=dev leaves it out)`,
          );
        }
      }
    }
  }
  return { files, problems };
}

const started = Date.now();
const { compiled, copied } = await compile();
const { files, problems } = checkGraph();
for (const problem of problems) console.error(`build: ${problem}`);
console.log(
  `build: ${compiled} TypeScript files compiled, ${copied} files copied into ${relative(process.cwd(), OUT) || '.'}; ` +
    `${files} modules reachable from the six main.js files; ${problems.length} problem(s); ${Date.now() - started} ms`,
);
process.exit(problems.length > 0 ? 1 : 0);
