import { parseArgs } from 'node:util';
import { type Profile, profiles } from '../../load-tests/profiles.ts';

export const usage =
  `usage: npm run loadtest -- --profile ${profiles.join('|')}|all|<a,b,...> [--brief] [--workers N] [--target URL] [--users U] [-e KEY=VALUE]\n` +
  '       npm run loadtest -- --env dev|staging --profile <name> [--wait] [-e KEY=VALUE]';

interface Common {
  /** The `-e KEY=VALUE` pairs, for the script. */
  readonly scriptEnv: Readonly<Record<string, string>>;
}

/** A run of local k6 processes (against `npm run stack`, or `target`), profile after profile. */
export interface LocalRun extends Common {
  readonly mode: 'local';
  /** In the catalogue's order, which runs failover, the one that kills a process, last. */
  readonly profiles: readonly Profile[];
  /** Each profile cut to seconds (`briefSettings`), under the `-e` pairs. */
  readonly brief: boolean;
  readonly workers: number;
  readonly users: number;
  readonly target?: string;
  readonly kill: string;
}

/** A run on an environment's load-test stack: its workers and sizes come from the environment's parameters. */
export interface AwsRun extends Common {
  readonly mode: 'aws';
  readonly profile: Profile;
  readonly environment: string;
  readonly wait: boolean;
}

/** `npm run loadtest`'s arguments, checked; a string is the reason they were refused. */
export function parseLoadTestArguments(args: readonly string[]): LocalRun | AwsRun | string {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(args));
  } catch (error) {
    return (error as Error).message;
  }
  const asked = values.profile === 'all' ? [...profiles] : (values.profile ?? '').split(',');
  const unknown = asked.filter((name) => !profiles.includes(name as Profile));
  if (unknown.length > 0) return `--profile: one of ${profiles.join(', ')}, all, or a comma-separated list`;
  const chosen = profiles.filter((name) => asked.includes(name));
  const scriptEnv: Record<string, string> = {};
  for (const pair of values['script-env']) {
    const at = pair.indexOf('=');
    if (at < 1) return `-e takes KEY=VALUE, got ${pair}`;
    scriptEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (values.env !== undefined) {
    const localOnly = (['workers', 'target', 'users', 'kill'] as const).filter((name) => values[name] !== undefined);
    if (localOnly.length > 0) {
      return `--env runs on the environment's load-test stack, whose parameters set the workers: drop --${localOnly.join(', --')}`;
    }
    if (chosen.length !== 1 || values.brief) return '--env runs one profile, in full: drop --brief, name one';
    return { mode: 'aws', environment: values.env, profile: chosen[0] as Profile, scriptEnv, wait: values.wait };
  }
  if (values.wait) return '--wait applies to --env runs only';
  const workers = Number(values.workers ?? '1');
  const users = Number(values.users ?? '100');
  if (!(Number.isInteger(workers) && workers >= 1)) return '--workers: a whole number, 1 or more';
  if (!(Number.isInteger(users) && users >= 1)) return '--users: a whole number, 1 or more';
  return {
    mode: 'local',
    profiles: chosen,
    brief: values.brief,
    scriptEnv,
    workers,
    users,
    // The failover profile's companion on a local stack: what load-tests/kill.ts kills, 5 s in.
    kill: values.kill ?? 'session-replica',
    ...(values.target ? { target: values.target } : {}),
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    options: {
      profile: { type: 'string' },
      workers: { type: 'string' },
      target: { type: 'string' },
      users: { type: 'string' },
      // -e KEY=VALUE, as k6 takes it; --env names an environment, as in the other tools that act on one.
      'script-env': { type: 'string', short: 'e', multiple: true, default: [] },
      kill: { type: 'string' },
      env: { type: 'string' },
      wait: { type: 'boolean', default: false },
      brief: { type: 'boolean', default: false },
    },
  });
}
