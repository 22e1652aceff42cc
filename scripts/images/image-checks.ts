import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';

/** Severity 1 in the language server protocol: an error, which a build would refuse. */
const errorSeverity = 1;

/**
 * What a Docker build would refuse in the Dockerfile before it runs a step: unknown instructions,
 * bad flags, malformed arguments, a `COPY --from` of a stage that does not exist. Parsed by
 * dockerfile-utils (the Docker language server's validator), so no Docker engine is needed.
 */
export function dockerfileProblems(text: string): string[] {
  return validate(text)
    .filter((diagnostic) => diagnostic.severity === errorSeverity)
    .map((diagnostic) => `line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
}

/**
 * The `@authscale/*` workspaces a service's image keeps: the service and what it depends on,
 * read from the manifests as the Dockerfile's `sources` stage reads them.
 */
export function workspacesOf(root: string, service: string): string[] {
  const keep = new Set<string>();
  const visit = (folder: string) => {
    if (keep.has(folder)) return;
    keep.add(folder);
    const manifest = JSON.parse(readFileSync(join(root, 'services', folder, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      if (name.startsWith('@authscale/')) visit(name.slice('@authscale/'.length));
    }
  };
  visit(service);
  return [...keep].sort();
}

/**
 * Runs the image's production install, as its `dependencies` stage does (`npm ci --omit=dev
 * --workspace services/<service>` over the root manifest, the lockfile and the kept manifests), as a
 * dry run: npm refuses when the lockfile does not satisfy the manifests. Returns npm's complaint, or
 * nothing when the install would succeed.
 */
export function productionInstallProblem(root: string, service: string): string | undefined {
  const context = mkdtempSync(join(tmpdir(), `authscale-image-${service}-`));
  try {
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(root, file), join(context, file));
    for (const folder of workspacesOf(root, service)) {
      const manifest = join('services', folder, 'package.json');
      cpSync(join(root, manifest), join(context, manifest));
    }
    execFileSync(
      'npm',
      [
        'ci',
        '--omit=dev',
        '--workspace',
        `services/${service}`,
        '--dry-run',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: context, stdio: 'pipe', encoding: 'utf8' },
    );
    return undefined;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    return (stderr ?? String(error)).trim();
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
