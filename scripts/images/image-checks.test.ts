import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IgnoreStrategy } from 'aws-cdk-lib';
import { serviceDockerfile } from '../../infra/constructs/service-image.ts';
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

test('the build context holds only what the Dockerfile copies: a workflow change keeps every image asset', () => {
  const copied = new Set(
    [...dockerfile.matchAll(/^COPY (?!--)(.+) \S+$/gm)].flatMap(([, sources]) => sources?.split(' ') ?? []),
  );
  assert.deepEqual([...copied].sort(), ['package-lock.json', 'package.json', 'services']);
  // The patterns as aws-cdk-lib's DockerImageAsset applies them: the asset hash is the fingerprint
  // of what they leave, and the asset always keeps .dockerignore and the Dockerfile.
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').filter(Boolean);
  const context = IgnoreStrategy.docker(root, [...patterns, '!.dockerignore', `!${serviceDockerfile}`]);
  // What the repository holds at its root, and the caches a run by hand leaves there (Schemathesis's
  // and Hypothesis's); not whatever else a developer's checkout holds (an editor's folder).
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  const entries = new Set([...tracked.map((path) => path.split('/', 1)[0] as string), '.schemathesis', '.hypothesis']);
  for (const entry of [...entries].filter((name) => !copied.has(name) && name !== '.dockerignore')) {
    assert.ok(
      context.ignores(join(root, entry)),
      `${entry} is in every image's build context: add it to .dockerignore`,
    );
  }
  assert.ok(!context.ignores(join(root, 'services/edge/src/main.ts')));
  assert.ok(!context.ignores(join(root, serviceDockerfile)));
  assert.ok(context.ignores(join(root, '.github/workflows/deploy-environment.yml')));
});
