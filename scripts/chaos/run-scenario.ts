import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../bench/measure.ts';
import { startChaosStack } from './chaos-stack.ts';
import { checkHistory, failed, type Violation } from './history.ts';
import type { Scenario } from './scenarios.ts';
import { startWorkload } from './workload.ts';

export interface Phases {
  /** Load before the fault, fault held, load after it ends; in seconds. */
  warm: number;
  fault: number;
  recover: number;
}

export const fullPhases: Phases = { warm: 4, fault: 8, recover: 6 };
export const briefPhases: Phases = { warm: 2, fault: 4, recover: 4 };

export interface ScenarioFigures {
  name: string;
  fault: string;
  runbook?: string;
  requests: number;
  /** Requests answered 5xx or not at all, by what they were. */
  errors: Record<string, number>;
  p99DuringFaultMs: number;
  /** From the fault's start to the end of the last failed request; null if requests still failed at the end. */
  recoveryMs: number | null;
  violations: Violation[];
  observedStalenessMs: number;
  /** Where the services' logs were kept, when the run had errors or violations. */
  logDir?: string;
}

/** How long after its acknowledgement a revoke may still be seen (the invalidation's delivery). */
const stalenessBoundMs = 100;

/** Runs one scenario on a stack of its own under the mixed load, and checks the history. */
export async function runScenario(scenario: Scenario, phases: Phases): Promise<ScenarioFigures> {
  const stack = await startChaosStack({
    partitionableRedis: scenario.partitionableRedis ?? false,
    ...(scenario.skewableClock ? { skewableClock: scenario.skewableClock } : {}),
  });
  let keepLogs = false;
  try {
    const startedAt = performance.now();
    const clock = () => performance.now() - startedAt;
    const workload = await startWorkload({
      origin: stack.origin,
      edges: stack.edges,
      users: 24,
      rate: 150,
      workers: 8,
      passwordChanges: scenario.passwordChanges ?? false,
      clock,
    });
    const loadFrom = clock();
    await sleep(phases.warm * 1000);
    const injectedAt = clock();
    await scenario.inject(stack);
    await sleep(phases.fault * 1000);
    const healedAt = clock();
    await scenario.heal?.(stack);
    await sleep(phases.recover * 1000);
    const endedAt = clock();
    const history = await workload.stop();
    const load = history.filter(
      (operation) => operation.start >= loadFrom && !(operation.kind === 'read' && operation.final),
    );
    const failures = load.filter(failed);
    const errors: Record<string, number> = {};
    for (const operation of failures) {
      const key = `${operation.kind} ${operation.outcome}`;
      errors[key] = (errors[key] ?? 0) + 1;
    }
    const lastFailure = Math.max(-1, ...failures.map(({ end }) => end));
    const verdict = checkHistory(history, { stalenessBoundMs, readsMustSucceed: scenario.readsMustSucceed ?? true });
    keepLogs = verdict.violations.length > 0 || Object.keys(errors).length > 0;
    return {
      name: scenario.name,
      fault: scenario.fault,
      ...(scenario.runbook ? { runbook: scenario.runbook } : {}),
      requests: load.length,
      errors,
      p99DuringFaultMs: percentile(
        load.filter(({ start }) => start >= injectedAt && start < healedAt).map(({ start, end }) => end - start),
        99,
      ),
      recoveryMs: lastFailure < 0 ? 0 : lastFailure > endedAt - 2_000 ? null : lastFailure - injectedAt,
      violations: verdict.violations,
      observedStalenessMs: verdict.observedStalenessMs,
      ...(keepLogs ? { logDir: stack.logDir } : {}),
    };
  } finally {
    await stack.stop({ keepLogs });
  }
}
