import { z } from 'zod';

/**
 * The demo's settings, validated once at boot into a frozen object. This file is the only reader
 * of process.env (STYLE.md 10): a bad or missing value stops the process with the names of the
 * settings at fault, never their values (the API key is a secret).
 */

const httpUrl = z
  .url({ error: 'must be an http(s) URL' })
  .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http(s) URL' })
  .transform((value) => value.replace(/\/+$/, ''));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const demoConfigSchema = z.object({
  DEMO_PORT: port(3000),
  DEMO_HOST: z.string().min(1).default('127.0.0.1'),
  /** The gateway's HTTP base URL, e.g. http://localhost:8080. */
  PORTCULLIS_URL: httpUrl,
  /** A runtime-scope API key of the tenant: stays on the server, never reaches the browser. */
  PORTCULLIS_API_KEY: z.string({ error: 'is required' }).min(16, 'must be at least 16 characters'),
  PORTCULLIS_TENANT_ID: z.uuid({ error: 'must be a UUID' }),
  /** Optional: when set, an assertion's `iss` must be this (the gateway's GATEWAY_ISSUER). */
  PORTCULLIS_ISSUER: z.url({ error: 'must be a URL' }).optional(),
  DEMO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type DemoConfig = Readonly<z.infer<typeof demoConfigSchema>>;

/** Settings of `setup.ts`, which creates a tenant for the demo with the operator's token. */
export const setupConfigSchema = z.object({
  PORTCULLIS_URL: httpUrl.default('http://localhost:8080'),
  /** The operator token (`npm start` keeps it in .local/admin-token). */
  PORTCULLIS_ADMIN_TOKEN: z.string({ error: 'is required' }).min(32, 'must be at least 32 characters'),
  /** The origin the demo's pages are served from: its passkeys are bound to it. */
  DEMO_ORIGIN: httpUrl.default('http://localhost:3000'),
  DEMO_TENANT_NAME: z.string().min(1).max(200).default('Acme Shop'),
});

export type SetupConfig = Readonly<z.infer<typeof setupConfigSchema>>;

function load<S extends z.ZodType>(schema: S, env: Readonly<Record<string, string | undefined>>): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    process.stderr.write(`acme-demo: invalid settings\n  - ${problems.join('\n  - ')}\n`);
    process.exit(1);
  }
  return Object.freeze(parsed.data) as z.infer<S>;
}

export const loadDemoConfig = (): DemoConfig => load(demoConfigSchema, process.env);

export const loadSetupConfig = (): SetupConfig => load(setupConfigSchema, process.env);
