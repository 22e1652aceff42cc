import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';

const root = new URL('..', import.meta.url).pathname;

/** Where a file sits, what it imports, and whether the dependency rules let it. */
const probes: Array<{ file: string; from: string; allowed: boolean }> = [
  { file: 'services/edge/src/a.ts', from: '@authscale/core', allowed: true },
  { file: 'services/edge/src/b.ts', from: '@authscale/session', allowed: false },
  { file: 'services/edge/src/c.ts', from: '../../session/src/app.ts', allowed: false },
  { file: 'services/edge/src/d.ts', from: '@authscale/testkit', allowed: false },
  { file: 'services/edge/test/e.ts', from: '@authscale/testkit', allowed: true },
  { file: 'services/session/src/f.ts', from: '@authscale/orchestrator', allowed: false },
  { file: 'services/orchestrator/src/g.ts', from: '@authscale/identity', allowed: true },
  { file: 'services/orchestrator/src/h.ts', from: '@authscale/identity/testing', allowed: false },
  { file: 'services/orchestrator/test/i.ts', from: '@authscale/identity/testing', allowed: true },
  { file: 'services/orchestrator/src/j.ts', from: '@authscale/edge', allowed: false },
  { file: 'services/identity/src/k.ts', from: '@authscale/orchestrator', allowed: false },
  { file: 'services/core/src/l.ts', from: '@authscale/session', allowed: false },
  { file: 'services/testkit/src/m.ts', from: '@authscale/core', allowed: false },
  { file: 'test/e2e/n.ts', from: '@authscale/edge', allowed: true },
  { file: 'test/e2e/o.ts', from: '../../scripts/stack.ts', allowed: false },
  { file: 'services/orchestrator/test/p.ts', from: '../../../../scripts/stack/local-data-services.ts', allowed: false },
  { file: 'infra/constructs/q.ts', from: '@authscale/core', allowed: false },
  { file: 'infra/stacks/r.ts', from: '../../services/edge/src/app.ts', allowed: false },
  { file: 'bin/s.ts', from: '../infra/compose.ts', allowed: true },
  { file: 'scripts/t.ts', from: './stack/local-data-services.ts', allowed: true },
];

/** Lints `files` laid out in a fresh tree with the repository's biome.json; the paths `rule` refuses. */
function refusedBy(rule: string, files: Record<string, string>) {
  const tree = mkdtempSync(join(tmpdir(), 'authscale-dependency-rules-'));
  try {
    copyFileSync(join(root, 'biome.json'), join(tree, 'biome.json'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(tree, file)), { recursive: true });
      writeFileSync(join(tree, file), text);
    }
    const lint = spawnSync(
      join(root, 'node_modules/.bin/biome'),
      ['lint', '--vcs-enabled=false', `--only=${rule}`, '--reporter=json', '--max-diagnostics=none', '.'],
      { cwd: tree, encoding: 'utf8' },
    );
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf('{'))) as {
      diagnostics: Array<{ category: string; location: { path: string } }>;
    };
    return new Set(
      report.diagnostics
        .filter((diagnostic) => diagnostic.category === `lint/${rule}`)
        .map((diagnostic) => diagnostic.location.path),
    );
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

const importing = (from: string) => `import { x } from '${from}';\n\nexport const y = x;\n`;

/**
 * The dependency rules in docs/architecture.md are Biome rules in biome.json. These lint probe files
 * laid out like the repository with that very configuration, so a rule that stops matching (a moved
 * folder, a reworded pattern) fails here.
 */
describe('the dependency rules are enforced by the lint configuration', () => {
  it('refuses every import across a boundary and allows the documented ones', () => {
    const refused = refusedBy(
      'style/noRestrictedImports',
      Object.fromEntries(probes.map(({ file, from }) => [file, importing(from)])),
    );
    for (const { file, from, allowed } of probes) {
      assert.equal(
        !refused.has(file),
        allowed,
        `${file} importing ${from} should be ${allowed ? 'allowed' : 'refused'}`,
      );
    }
  });

  it("refuses a package's source an import its production dependencies do not declare", () => {
    const manifest = {
      name: '@authscale/probe',
      dependencies: { 'kept-lib': '1' },
      devDependencies: { 'dev-lib': '1' },
    };
    const refused = refusedBy('correctness/noUndeclaredDependencies', {
      'package.json': JSON.stringify({ name: 'root', private: true }),
      'services/probe/package.json': JSON.stringify(manifest),
      'services/probe/src/declared.ts': importing('kept-lib'),
      'services/probe/src/dev-only.ts': importing('dev-lib'),
      'services/probe/src/undeclared.ts': importing('nobody-declared-it'),
      'services/probe/test/dev-only.ts': importing('dev-lib'),
    });
    assert.deepEqual([...refused].sort(), ['services/probe/src/dev-only.ts', 'services/probe/src/undeclared.ts']);
  });
});
