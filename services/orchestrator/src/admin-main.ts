import { parseArgs } from 'node:util';
import { createAdminDependencies } from './admin/create-admin-dependencies.ts';
import { disableUser } from './admin/disable-user.ts';
import { loadOrchestratorConfig } from './config.ts';

const usage = 'usage: admin disable-user <email> --reason <text>';

/**
 * Operator commands, run with the orchestrator's own configuration (environment):
 *   npm run -w @authscale/orchestrator admin -- disable-user alice@example.com --reason "left the company"
 * Prints one JSON line with the outcome; exits non-zero on failure.
 */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { reason: { type: 'string' } },
});
const [command, email] = positionals;
if (command !== 'disable-user' || !email || positionals.length !== 2 || !values.reason?.trim()) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}

const config = loadOrchestratorConfig(process.env);
const deps = createAdminDependencies(config);
try {
  const result = await disableUser(deps, { email, reason: values.reason.trim() });
  process.stdout.write(`${JSON.stringify({ disabled: true, ...result })}\n`);
} catch (error) {
  const code = (error as { code?: string }).code ?? 'internal';
  process.stderr.write(`${JSON.stringify({ disabled: false, error: code, message: (error as Error).message })}\n`);
  process.exitCode = 1;
} finally {
  await deps.close();
}
