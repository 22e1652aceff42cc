import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { describe, it } from 'node:test';

/**
 * The layout rule of docs/architecture.md, checked on the text of the files: code is grouped by
 * feature, never by layer, and every module that registers routes is `<feature>/<resource>-routes.ts`
 * exporting `<resource>Routes`. A plugin module is `<name>-plugin.ts` exporting `<name>Plugin`.
 */
const root = new URL('../../../', import.meta.url).pathname;
const sourceTrees = ['services/orchestrator/src', 'services/identity/src'];
const layerFolders = new Set(['routes', 'plugins', 'lib']);

// A route is registered by a method call whose first argument is a path literal (`app.get('/me'`),
// by `.route(`, or by a route method on a receiver named like the Fastify instance.
const routeRegistration = [
  /\.(?:get|head|post|put|patch|delete|options|all)\s*(?:<[^>]*>)?\(\s*['"`]\//,
  /\.route\s*(?:<[^>]*>)?\(/,
  /\b(?:app|fastify|instance|server)\.(?:get|head|post|put|patch|delete|options|all)\s*(?:<[^>]*>)?\(/,
];

const entries = sourceTrees.flatMap((tree) =>
  readdirSync(join(root, tree), { recursive: true, withFileTypes: true }).map((entry) => ({
    path: join(entry.parentPath, entry.name).slice(root.length),
    isDirectory: entry.isDirectory(),
  })),
);
const sourceFiles = entries.filter((entry) => !entry.isDirectory && entry.path.endsWith('.ts')).map(({ path }) => path);
const registersRoutes = (file: string) => {
  const text = readFileSync(join(root, file), 'utf8');
  return routeRegistration.some((pattern) => pattern.test(text));
};
const camelCase = (name: string) => name.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

describe('the source layout of the orchestrator and identity', () => {
  it('has no layer folders (routes/, plugins/, lib/): code lives in the feature it serves', () => {
    const layers = entries.filter(
      (entry) => entry.isDirectory && entry.path.split(sep).some((segment) => layerFolders.has(segment)),
    );
    assert.deepEqual(
      layers.map(({ path }) => path),
      [],
    );
  });

  it('registers routes only in *-routes.ts modules, and every such module registers some', () => {
    const misnamed = sourceFiles.filter((file) => registersRoutes(file) && !file.endsWith('-routes.ts'));
    const idle = sourceFiles.filter((file) => file.endsWith('-routes.ts') && !registersRoutes(file));
    assert.deepEqual({ misnamed, idle }, { misnamed: [], idle: [] });
    // The detection itself works: the login routes are seen as registering routes.
    assert.ok(registersRoutes(join('services', 'orchestrator', 'src', 'sign-in', 'login-routes.ts')));
  });

  it('names the export of each route and plugin module after its file', () => {
    const unnamed = sourceFiles
      .filter((file) => file.endsWith('-routes.ts') || file.endsWith('-plugin.ts'))
      .filter((file) => {
        const name = camelCase(basename(file, '.ts'));
        const text = readFileSync(join(root, file), 'utf8');
        return !new RegExp(`^export (?:const|(?:async )?function) ${name}\\b`, 'm').test(text);
      });
    assert.deepEqual(unnamed, []);
  });
});
