import { parseArgs } from 'node:util';
import { createAdminDependencies } from './admin/create-admin-dependencies.ts';
import { disableUser } from './admin/disable-user.ts';
import { eraseUser } from './admin/erase-user.ts';
import { loadOrchestratorConfig } from './config.ts';

const usage = [
  'usage: admin disable-user <email> --reason <text>',
  '       admin erase-user <userId> --reason <text>   (DATABASE_URL as the operator role)',
].join('\n');

/**
 * Operator commands, run with the orchestrator's own configuration (environment):
 *   npm run -w @authscale/orchestrator admin -- disable-user alice@example.com --reason "left the company"
 *   npm run -w @authscale/orchestrator admin -- erase-user <userId> --reason "erasure request 1234"
 * Erasure scrubs the audit trail, which only the operator role (`authscale_operator`) may do, so
 * it needs DATABASE_URL to connect as that role; over the services' role it fails with `forbidden`.
 * Prints one JSON line with the outcome; exits non-zero on failure.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { reason: { type: 'string' } },
});
const [command, subject] = positionals;
const reason = values.reason?.trim();
if ((command !== 'disable-user' && command !== 'erase-user') || !subject || positionals.length !== 2 || !reason) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}

const outcomeKey = command === 'disable-user' ? 'disabled' : 'erased';
const config = loadOrchestratorConfig(process.env);
const deps = createAdminDependencies(config);
try {
  const result =
    command === 'disable-user'
      ? await disableUser(deps, { email: subject, reason })
      : // The CLI has no operator key: the tombstone records that the command line did it.
        await eraseUser(deps, { userId: subject, operator: { id: 'cli' }, reason });
  process.stdout.write(`${JSON.stringify({ [outcomeKey]: true, ...result })}\n`);
} catch (error) {
  const code = (error as { code?: string }).code ?? 'internal';
  process.stderr.write(`${JSON.stringify({ [outcomeKey]: false, error: code, message: (error as Error).message })}\n`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
