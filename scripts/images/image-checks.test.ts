import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerfileProblems, productionInstallProblem, workspacesOf } from './image-checks.ts';

const root = new URL('../..', import.meta.url).pathname;
const dockerfile = readFileSync(join(root, 'services/Dockerfile'), 'utf8');

test('the services Dockerfile parses; a misspelt instruction or a bad flag does not', () => {
  assert.deepEqual(dockerfileProblems(dockerfile), []);
  const broken = dockerfile.replace('WORKDIR /app\nCOPY services services', 'WORKDIR /app\nCOPPY services services');
  assert.notEqual(broken, dockerfile);
  assert.match(dockerfileProblems(broken).join('\n'), /Unknown instruction: COPPY/);
  assert.match(dockerfileProblems('FROM node:24-slim\nCOPY --frum=sources a b\n').join('\n'), /frum/);
});

test('an image keeps its service and the workspaces it depends on, read from the manifests', () => {
  assert.deepEqual(workspacesOf(root, 'edge'), ['core', 'edge']);
  assert.ok(workspacesOf(root, 'orchestrator').includes('identity'));
});

test('the production install passes against the lockfile, and fails once a manifest asks for what it lacks', () => {
  assert.equal(productionInstallProblem(root, 'session'), undefined);
  const copy = mkdtempSync(join(tmpdir(), 'authscale-image-check-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(copy, file));
    for (const folder of workspacesOf(root, 'session')) {
      cpSync(join(root, 'services', folder, 'package.json'), join(copy, 'services', folder, 'package.json'));
    }
    const manifestPath = join(copy, 'services/session/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies: Record<string, string> };
    manifest.dependencies['left-pad'] = '1.3.0';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    assert.match(productionInstallProblem(copy, 'session') ?? '', /in sync|Missing: left-pad/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
