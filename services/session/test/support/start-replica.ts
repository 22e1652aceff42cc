import { type ServiceProcess, startService } from '@authscale/testkit';

export type ReplicaProcess = ServiceProcess;

/** Starts a real session replica process (`services/session/src/main.ts`) on a free port. */
export function startReplica(env: Record<string, string>): Promise<ReplicaProcess> {
  return startService({ service: 'session', env });
}
