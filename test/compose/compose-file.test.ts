/**
 * docker-compose.yml without a Docker engine: valid against the Compose Specification's JSON schema, every
 * service's environment made of documented names only, and the pieces wired to each other.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { loadConfig } from '../../lib/config';

const root = join(__dirname, '../..');

interface Service {
  image?: string;
  build?: { context: string; target: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[];
  entrypoint?: string[];
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** Variable names in the first column of a Markdown table under `heading`. */
function tableNames(markdown: string, heading: RegExp): Set<string> {
  const start = markdown.search(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const section = markdown.slice(start).split(/\n#{1,2} /)[0];
  const names = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
  return new Set(names);
}

/** The project's configuration: the README's table (which the contract's names must all be in). */
const documented = tableNames(readFileSync(join(root, 'README.md'), 'utf8'), /^## Configuration/m);

/** Each image's own variables, as its documentation (or, for admin-tools, the script it runs) names them. */
const setupScriptInputs = [...readFileSync(join(root, 'scripts/selfhost/temporal-setup.sh'), 'utf8').matchAll(/: "\$\{([A-Z_]+):=/g)].map(
  (m) => m[1],
);
const IMAGE_VARIABLES: Record<string, (name: string) => boolean> = {
  // https://hub.docker.com/_/postgres
  postgres: (name) => ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB'].includes(name),
  // temporalio/server's config template (samples-server's compose sets these)
  'temporalio/server': (name) => ['DB', 'DB_PORT', 'POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD', 'BIND_ON_IP'].includes(name),
  // temporal-sql-tool's password, and what scripts/selfhost/temporal-setup.sh reads
  'temporalio/admin-tools': (name) => name === 'SQL_PASSWORD' || setupScriptInputs.includes(name),
  // the UI server's docker.yaml template
  'temporalio/ui': (name) =>
    ['TEMPORAL_ADDRESS', 'TEMPORAL_DEFAULT_NAMESPACE', 'TEMPORAL_CORS_ORIGINS', 'TEMPORAL_CODEC_ENDPOINT'].includes(name),
  'minio/minio': (name) => ['MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD'].includes(name),
  // mc reads an alias from MC_HOST_<alias>
  'minio/mc': (name) => /^MC_HOST_[a-z]+$/.test(name),
};

const imageName = (service: Service) => service.image?.split(':')[0] ?? '';

/** Compose's interpolation, enough for this file: ${VAR}, ${VAR:-default}, ${VAR:?error}. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, arg?: string) => {
    const set = env[name] !== undefined && env[name] !== '';
    if (set) return env[name];
    if (kind === '?') throw new Error(`${name}: ${arg}`);
    return kind === '-' ? (arg ?? '') : '';
  });
}

const hostEnv = {
  SANTA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  CODEC_TOKEN: 'c0dec'.repeat(8),
  SANTA_DRAW_KEY: Buffer.alloc(32, 9).toString('base64'),
};
const resolvedEnv = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), hostEnv)]));

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification JSON schema', () => {
    // The schema as dclint bundles it (compose-spec/compose-spec's compose-spec.json).
    const schemaFile = join(dirname(require.resolve('dclint/package.json')), 'schemas/compose.schema.json');
    const ajv = new Ajv({ allErrors: true, strict: false });
    // Its `$schema` names draft-07 by an address Ajv does not know by that spelling; draft-07 is Ajv's default anyway.
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has every part of the stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'api',
        'minio',
        'minio-bucket',
        'postgresql',
        'state-machines',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    expect(services.worker.build).toEqual({ context: '.', target: 'worker' });
    expect(services.api.build).toEqual({ context: '.', target: 'api' });
  });

  it('gives the services built here only documented configuration names, and images only their own', () => {
    const contract = join(root, '../shared/CONTRACT.md');
    if (existsSync(contract)) {
      for (const name of tableNames(readFileSync(contract, 'utf8'), /^## Environment/m))
        expect([name, documented.has(name)]).toEqual([name, true]);
    }
    for (const [name, service] of Object.entries(services)) {
      const allowed = service.build ? (variable: string) => documented.has(variable) : IMAGE_VARIABLES[imageName(service)];
      expect([name, allowed !== undefined]).toEqual([name, true]);
      const strangers = Object.keys(service.environment ?? {}).filter((variable) => !allowed(variable));
      expect([name, strangers]).toEqual([name, []]);
    }
  });

  it('gives the worker and the API what they need: the contract read through loadConfig', () => {
    const worker = loadConfig(resolvedEnv(services.worker));
    expect(worker.temporal).toMatchObject({ address: 'temporal:7233', namespace: 'default', taskQueue: 'secret-santa' });
    expect(worker.storage).toMatchObject({ bucket: 'secret-santa', endpoint: 'http://minio:9000', forcePathStyle: true });
    expect(worker.encryption).toBeDefined();
    for (const name of [
      'MAILGUN_API_KEY',
      'MAILGUN_DOMAIN',
      'MAILGUN_URL',
      'EMAIL_FROM',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
      'TWILIO_API_URL',
      'SMS_FROM',
    ]) {
      expect(services.worker.environment).toHaveProperty(name, `\${${name}:-}`); // passed through from the host
    }
    const api = loadConfig(resolvedEnv(services.api));
    expect(api.temporal).toMatchObject({
      address: 'temporal:7233',
      namespace: 'default',
      taskQueue: 'secret-santa',
      uiUrl: 'http://localhost:8233',
    });
    expect(api.api).toMatchObject({ host: '0.0.0.0', port: 3000 });
    expect(api.encryption).toBeDefined();
    // Without the key, compose refuses to start rather than run with payloads in clear.
    expect(() => interpolate(String(services.api.environment?.SANTA_ENCRYPTION_KEY), {})).toThrow(/SANTA_ENCRYPTION_KEY/);
    // The operator's token opens /codec, the organiser's does not; without it, compose refuses to start (the UI and
    // the API must share it).
    expect(api.api.codecToken).toBe(hostEnv.CODEC_TOKEN);
    expect(api.api.token).toBeUndefined();
    for (const service of ['api', 'temporal-ui']) {
      const values = Object.values(services[service].environment ?? {}).filter((value) => String(value).includes('CODEC_TOKEN'));
      expect([service, values.length]).toEqual([service, 1]);
      expect(() => interpolate(String(values[0]), { SANTA_ENCRYPTION_KEY: hostEnv.SANTA_ENCRYPTION_KEY })).toThrow(/CODEC_TOKEN/);
    }
    expect(services.worker.environment).not.toHaveProperty('CODEC_TOKEN');
    // The draw key is the worker's alone: required there, given to no other service.
    expect(worker.drawKeys).toBeDefined();
    expect(() => interpolate(String(services.worker.environment?.SANTA_DRAW_KEY), {})).toThrow(/SANTA_DRAW_KEY/);
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'worker') expect([name, JSON.stringify(service.environment ?? {}).includes('SANTA_DRAW_KEY')]).toEqual([name, false]);
    }
  });

  it('wires the parts together: addresses, credentials, bucket, ports, the codec and the start order', () => {
    const env = (name: string) => resolvedEnv(services[name]);
    expect(env('worker').TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env('temporal-namespace').TEMPORAL_ADDRESS).toBe('temporal:7233');
    // The worker stores in the bucket mc makes, with MinIO's own credentials.
    expect([env('worker').AWS_ACCESS_KEY_ID, env('worker').AWS_SECRET_ACCESS_KEY]).toEqual([
      env('minio').MINIO_ROOT_USER,
      env('minio').MINIO_ROOT_PASSWORD,
    ]);
    expect(services['minio-bucket'].command?.at(-1)).toBe(`santa/${env('worker').S3_BUCKET}`);
    expect(env('minio-bucket').MC_HOST_santa).toBe(`http://${env('minio').MINIO_ROOT_USER}:${env('minio').MINIO_ROOT_PASSWORD}@minio:9000`);
    // Schema and server use one database account.
    expect(env('temporal-schema').POSTGRES_USER).toBe(env('postgresql').POSTGRES_USER);
    expect(env('temporal-schema').SQL_PASSWORD).toBe(env('postgresql').POSTGRES_PASSWORD);
    expect(env('temporal').POSTGRES_PWD).toBe(env('postgresql').POSTGRES_PASSWORD);
    // What the browser reaches: the API on 3000, the UI on 8233; the UI's codec is the API's /codec, with the
    // operator's token in the path (the UI's browser sends no header of ours), the token the API takes.
    expect(services.api.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(services['temporal-ui'].ports).toEqual(['127.0.0.1:8233:8080']);
    expect(env('api').TEMPORAL_UI_URL).toBe('http://localhost:8233');
    expect(env('temporal-ui').TEMPORAL_CODEC_ENDPOINT).toBe(`http://localhost:3000/codec/t/${env('api').CODEC_TOKEN}`);
    expect(env('api').CODEC_TOKEN).toBe(hostEnv.CODEC_TOKEN);
    // Start order: schema before server, namespace before worker, API and UI, the bucket before the worker.
    expect(services.temporal.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    // The States Language worker: the worker image on its own queue (the API starts executions there).
    expect(services['state-machines'].build).toEqual({ context: '.', target: 'worker' });
    expect(services['state-machines'].command).toEqual(['node', 'dist/worker/main.js', 'state-machines']);
    expect(loadConfig(env('state-machines')).temporal.aslTaskQueue).toBe('state-machines');
    expect(loadConfig(env('api')).temporal.aslTaskQueue).toBe('state-machines');
    for (const name of ['worker', 'state-machines', 'api', 'temporal-ui']) {
      expect(services[name].depends_on?.['temporal-namespace']).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(services.worker.depends_on?.['minio-bucket']).toEqual({ condition: 'service_completed_successfully' });
    // The one-shots run the same setup script as `npm run selfhost`, which exists here.
    for (const name of ['temporal-schema', 'temporal-namespace']) {
      const [mount] = services[name].volumes ?? [];
      expect(existsSync(join(root, mount.split(':')[0]))).toBe(true);
      expect(services[name].entrypoint).toEqual(['/bin/sh', mount.split(':')[1]]);
    }
    expect(services['temporal-schema'].command).toEqual(['schema']);
    expect(services['temporal-namespace'].command).toEqual(['namespace']);
  });
});
