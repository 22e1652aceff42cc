import { parseArgs } from 'node:util';
import { createAdminDependencies } from './admin/create-admin-dependencies.ts';
import { disableUser } from './admin/disable-user.ts';
import { eraseUser } from './admin/erase-user.ts';
import { type OperatorScope, operatorScopes } from './admin/operator-scopes.ts';
import { loadOrchestratorConfig } from './config.ts';

const usage = `usage: admin <command>
  disable-user <email> --reason <text>
  erase-user <userId> --reason <text>   (DATABASE_URL as the operator role)
  create-operator-key --operator <who> --scope <scope> [--scope <scope>...] [--days <1-365>]
  list-operator-keys
  revoke-operator-key <keyId>
scopes: ${operatorScopes.join(', ')}`;

/**
 * Operator commands, run with the orchestrator's own configuration (environment):
 *   npm run -w @authscale/orchestrator admin -- disable-user alice@example.com --reason "left the company"
 *   npm run -w @authscale/orchestrator admin -- create-operator-key --operator alice@ops --scope users:read
 * Erasure scrubs the audit trail, which only the operator role (`authscale_operator`) may do, so it
 * needs DATABASE_URL to connect as that role; over the services' role it fails with `forbidden`.
 * Prints one JSON line with the outcome; exits non-zero on failure, 2 on a usage error. An operator
 * key is printed once, by `create-operator-key`, and stored only as its hash.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    reason: { type: 'string' },
    operator: { type: 'string' },
    scope: { type: 'string', multiple: true },
    days: { type: 'string' },
  },
});
const [command, argument] = positionals;
const reason = values.reason?.trim();

function refuse(): never {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}

const isScope = (scope: string): scope is OperatorScope => (operatorScopes as readonly string[]).includes(scope);

async function run(deps: ReturnType<typeof createAdminDependencies>) {
  if (command === 'disable-user' && argument && positionals.length === 2 && reason) {
    return { disabled: true, ...(await disableUser(deps, { email: argument, reason })) };
  }
  if (command === 'erase-user' && argument && positionals.length === 2 && reason) {
    // The command line has no operator key: the tombstone records that the CLI did it.
    return { erased: true, ...(await eraseUser(deps, { userId: argument, operator: { id: 'cli' }, reason })) };
  }
  if (command === 'create-operator-key' && positionals.length === 1 && values.operator?.trim()) {
    const scopes = values.scope ?? [];
    const days = Number(values.days ?? 90);
    if (scopes.length === 0 || !scopes.every(isScope) || !Number.isInteger(days)) refuse();
    const { key, view } = await deps.operatorKeys.create({
      operator: values.operator.trim(),
      scopes,
      expiresInDays: days,
    });
    return { created: true, key, ...view };
  }
  if (command === 'list-operator-keys' && positionals.length === 1) return { keys: await deps.operatorKeys.list() };
  if (command === 'revoke-operator-key' && argument && positionals.length === 2) {
    const revoked = await deps.operatorKeys.revoke({ keyId: argument });
    if (!revoked) throw Object.assign(new Error('No active operator key has that id.'), { code: 'not_found' });
    return { revoked: true, ...revoked };
  }
  refuse();
}

const deps = createAdminDependencies(loadOrchestratorConfig(process.env));
try {
  process.stdout.write(`${JSON.stringify(await run(deps))}\n`);
} catch (error) {
  const code = (error as { code?: string }).code ?? 'internal';
  process.stderr.write(`${JSON.stringify({ ok: false, error: code, message: (error as Error).message })}\n`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
