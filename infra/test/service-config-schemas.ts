import { execFileSync } from 'node:child_process';

/** The three services, and the webhook dispatcher and admin API, which run the orchestrator's image with configs of their own. */
export type ServiceName = 'edge' | 'session' | 'orchestrator' | 'webhook-dispatcher' | 'admin-api';

/** The config module of each service: the schema it validates its environment with, and its loader. */
const schemaSources: Readonly<Record<ServiceName, { file: string; exportName: string; loaderName: string }>> = {
  edge: { file: 'services/edge/src/config.ts', exportName: 'edgeConfigSchema', loaderName: 'loadEdgeConfig' },
  session: {
    file: 'services/session/src/config.ts',
    exportName: 'sessionConfigSchema',
    loaderName: 'loadSessionConfig',
  },
  orchestrator: {
    file: 'services/orchestrator/src/config.ts',
    exportName: 'orchestratorConfigSchema',
    loaderName: 'loadOrchestratorConfig',
  },
  'webhook-dispatcher': {
    file: 'services/orchestrator/src/webhooks/webhook-dispatcher-config.ts',
    exportName: 'webhookDispatcherConfigSchema',
    loaderName: 'loadWebhookDispatcherConfig',
  },
  'admin-api': {
    file: 'services/orchestrator/src/admin/admin-api-config.ts',
    exportName: 'adminApiConfigSchema',
    loaderName: 'loadAdminApiConfig',
  },
};

export interface ServiceEnvironmentContract {
  /** Every variable the service's schema reads. */
  readonly known: ReadonlySet<string>;
  /** The variables without which the service refuses to start: required by the schema, with no default. */
  readonly required: ReadonlySet<string>;
}

/** A setting's JSON Schema, as TypeBox writes it. */
export interface JsonSchema {
  readonly type?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly anyOf?: readonly JsonSchema[];
  readonly const?: unknown;
  readonly [keyword: string]: unknown;
}

export interface JsonObjectSchema {
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, JsonSchema>>;
}

const repositoryRoot = new URL('../..', import.meta.url).pathname;
const servicesUrl = JSON.stringify(`file://${repositoryRoot}`);
let schemas: Readonly<Record<ServiceName, JsonObjectSchema>> | undefined;
let contracts: Readonly<Record<ServiceName, ServiceEnvironmentContract>> | undefined;

/**
 * infra imports no service code, and neither do these tests: a separate Node process loads the
 * services' config modules. TypeBox schemas are plain JSON Schema, so what crosses the process
 * boundary is data (property names, `required`, defaults, the checks), and nothing under infra/
 * depends on a service module, not even in the test's own module graph.
 */
function runInServices(script: string, input = ''): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: repositoryRoot,
    encoding: 'utf8',
    input,
  });
}

/** The JSON Schema each service validates its environment with, as the service itself exports it. */
export function serviceConfigSchemas(): Readonly<Record<ServiceName, JsonObjectSchema>> {
  if (schemas) return schemas;
  const output = runInServices(`
    const sources = ${JSON.stringify(schemaSources)};
    const schemas = {};
    for (const [service, { file, exportName }] of Object.entries(sources)) {
      schemas[service] = (await import(new URL(file, ${servicesUrl})))[exportName];
    }
    process.stdout.write(JSON.stringify(schemas));
  `);
  schemas = JSON.parse(output) as Record<ServiceName, JsonObjectSchema>;
  return schemas;
}

/**
 * What each service reads from its environment, taken from the schemas the services themselves
 * validate with, so this test cannot drift from them the way a list kept here would.
 */
export function serviceEnvironmentContracts(): Readonly<Record<ServiceName, ServiceEnvironmentContract>> {
  if (contracts) return contracts;
  const all = serviceConfigSchemas();
  const contractOf = ({ properties, required = [] }: JsonObjectSchema): ServiceEnvironmentContract => ({
    known: new Set(Object.keys(properties)),
    required: new Set(required.filter((name) => properties[name]?.default === undefined)),
  });
  contracts = Object.fromEntries(
    Object.entries(all).map(([service, schema]) => [service, contractOf(schema)]),
  ) as Record<ServiceName, ServiceEnvironmentContract>;
  return contracts;
}

/**
 * What each service's own loader says of an environment: the problems it would refuse to start
 * with, none when it would start. Run in a separate process, as above.
 */
export function serviceConfigProblems(
  environments: Readonly<Record<ServiceName, Readonly<Record<string, string>>>>,
): Readonly<Record<ServiceName, readonly string[]>> {
  const output = runInServices(
    `
    const sources = ${JSON.stringify(schemaSources)};
    const environments = JSON.parse((await import('node:fs')).readFileSync(0, 'utf8'));
    const problems = {};
    for (const [service, { file, loaderName }] of Object.entries(sources)) {
      try {
        (await import(new URL(file, ${servicesUrl})))[loaderName](environments[service]);
        problems[service] = [];
      } catch (error) {
        if (!Array.isArray(error.problems)) throw error;
        problems[service] = error.problems;
      }
    }
    process.stdout.write(JSON.stringify(problems));
  `,
    JSON.stringify(environments),
  );
  return JSON.parse(output) as Record<ServiceName, string[]>;
}

/** The identity provisioning command's settings module (what the data stack's one-off task runs). */
const provisionCommand = {
  file: 'services/identity/src/command-config.ts',
  exportName: 'provisionConfigSchema',
  loaderName: 'loadProvisionConfig',
};

/**
 * What the provisioning command reads, and what its loader says of an environment (the problems
 * it would refuse to start with), from the command's own module in a separate process, as above.
 */
export function provisionCommandCheck(environment: Readonly<Record<string, string>>): {
  readonly contract: ServiceEnvironmentContract;
  readonly problems: readonly string[];
} {
  const output = runInServices(
    `
    const source = ${JSON.stringify(provisionCommand)};
    const environment = JSON.parse((await import('node:fs')).readFileSync(0, 'utf8'));
    const module = await import(new URL(source.file, ${servicesUrl}));
    let problems = [];
    try {
      module[source.loaderName](environment);
    } catch (error) {
      if (!Array.isArray(error.problems)) throw error;
      problems = error.problems;
    }
    process.stdout.write(JSON.stringify({ schema: module[source.exportName], problems }));
  `,
    JSON.stringify(environment),
  );
  const { schema, problems } = JSON.parse(output) as { schema: JsonObjectSchema; problems: string[] };
  const { properties, required = [] } = schema;
  return {
    contract: {
      known: new Set(Object.keys(properties)),
      required: new Set(required.filter((name) => properties[name]?.default === undefined)),
    },
    problems,
  };
}
