/**
 * The Node the service image runs (`FROM node:<major>` in services/Dockerfile). Benchmarks run on
 * it, and `STACK_RUNTIME=image npm run stack` starts the services with it the way the image does.
 * When this machine's Node is another major, npm fetches that one once (the `node` package, kept
 * in npm's cache). `npx tsx scripts/image-node.ts` prints its path.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';

/** The one Node major in a Dockerfile's `FROM node:<major>` lines. */
export function imageNodeMajor(dockerfile: string): number {
  const majors = new Set([...dockerfile.matchAll(/^FROM node:(\d+)/gim)].map((match) => Number(match[1])));
  const [major, ...others] = majors;
  if (major === undefined || others.length > 0) {
    throw new Error(
      `expected one Node major in the Dockerfile's FROM lines, found: ${[...majors].join(', ') || 'none'}`,
    );
  }
  return major;
}

const repositoryImageNodeMajor = () =>
  imageNodeMajor(readFileSync(new URL('../services/Dockerfile', import.meta.url), 'utf8'));

const runsOnMajor = (major: number) => process.versions.node.split('.')[0] === String(major);

/** Whether this process runs on the image's Node major (and can start services as the image does). */
export const onImageNode = () => runsOnMajor(repositoryImageNodeMajor());

/** How a benchmark on this process's Node starts the services, for its write-up. */
export const howServicesStart = () =>
  onImageNode() ? "start as their image starts them (`src/main.ts`, Node's own type stripping)" : 'run through tsx';

/** The path of a Node binary of the image's major: this process's own when the majors match. */
export function imageNode(): { path: string; major: number } {
  const major = repositoryImageNodeMajor();
  if (runsOnMajor(major)) return { path: process.execPath, major };
  const path = execFileSync(
    'npm',
    ['exec', '--yes', `--package=node@${major}`, '--', 'node', '-p', 'process.execPath'],
    {
      cwd: tmpdir(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  ).trim();
  return { path, major };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(imageNode().path);
