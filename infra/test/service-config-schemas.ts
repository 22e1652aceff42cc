import { execFileSync } from 'node:child_process';

export type ServiceName = 'edge' | 'session' | 'orchestrator';

/** The config module and schema each service validates its environment with at start. */
const schemaSources: Readonly<Record<ServiceName, { file: string; exportName: string }>> = {
  edge: { file: 'services/edge/src/config.ts', exportName: 'edgeConfigSchema' },
  session: { file: 'services/session/src/config.ts', exportName: 'sessionConfigSchema' },
  orchestrator: { file: 'services/orchestrator/src/config.ts', exportName: 'orchestratorConfigSchema' },
};

export interface ServiceEnvironmentContract {
  /** Every variable the service's schema reads. */
  readonly known: ReadonlySet<string>;
  /** The variables without which the service refuses to start: required by the schema, with no default. */
  readonly required: ReadonlySet<string>;
}

interface JsonObjectSchema {
  readonly required?: readonly string[];
  readonly properties: Readonly<Record<string, { readonly default?: unknown }>>;
}

const repositoryRoot = new URL('../..', import.meta.url).pathname;
let contracts: Readonly<Record<ServiceName, ServiceEnvironmentContract>> | undefined;

/**
 * What each service reads from its environment, taken from the schemas the services themselves
 * validate with, so this test cannot drift from them the way a list kept here would.
 *
 * infra imports no service code, and neither does this test: a separate Node process loads the three
 * config modules and prints their schemas. TypeBox schemas are plain JSON Schema, so what crosses
 * the process boundary is data (property names, `required`, defaults), and nothing under infra/
 * depends on a service module, not even in the test's own module graph.
 */
export function serviceEnvironmentContracts(): Readonly<Record<ServiceName, ServiceEnvironmentContract>> {
  if (contracts) return contracts;
  const script = `
    const sources = ${JSON.stringify(schemaSources)};
    const schemas = {};
    for (const [service, { file, exportName }] of Object.entries(sources)) {
      schemas[service] = (await import(new URL(file, ${JSON.stringify(`file://${repositoryRoot}`)})))[exportName];
    }
    process.stdout.write(JSON.stringify(schemas));
  `;
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], {
    cwd: repositoryRoot,
    encoding: 'utf8',
  });
  const schemas = JSON.parse(output) as Record<ServiceName, JsonObjectSchema>;
  const contractOf = ({ properties, required = [] }: JsonObjectSchema): ServiceEnvironmentContract => ({
    known: new Set(Object.keys(properties)),
    required: new Set(required.filter((name) => properties[name]?.default === undefined)),
  });
  contracts = {
    edge: contractOf(schemas.edge),
    session: contractOf(schemas.session),
    orchestrator: contractOf(schemas.orchestrator),
  };
  return contracts;
}
