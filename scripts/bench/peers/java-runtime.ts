import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The major version in `java -version`'s output (`openjdk version "21.0.5"`, or `"1.8.0_412"` for 8). */
export function javaMajor(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2] ?? 0) : first;
}

/** Where Linux distributions and the Temurin packages put JDKs. */
const standardJvmDir = '/usr/lib/jvm';

/**
 * A Java runtime of at least `minimum`: `JAVA_HOME` first, then every JDK in the standard JVM
 * directory (the newest wins), then `java` on the PATH. Null when there is none.
 */
export function findJava(minimum = 21): { home: string; major: number } | null {
  const candidates: string[] = [];
  if (process.env.JAVA_HOME) candidates.push(process.env.JAVA_HOME);
  if (existsSync(standardJvmDir)) {
    candidates.push(...readdirSync(standardJvmDir).map((name) => join(standardJvmDir, name)));
  }
  const found = candidates
    .map((home) => ({ home, major: majorOf(join(home, 'bin', 'java')) }))
    .filter((java): java is { home: string; major: number } => java.major !== null && java.major >= minimum);
  // JAVA_HOME is the operator's choice when it qualifies; otherwise the newest.
  const chosen =
    found.find((java) => java.home === process.env.JAVA_HOME) ?? found.sort((a, b) => b.major - a.major)[0];
  if (chosen) return chosen;
  const onPath = majorOf('java');
  if (onPath !== null && onPath >= minimum) {
    const home = spawnSync('java', ['-XshowSettings:properties', '-version'], { encoding: 'utf8' });
    const javaHome = /java\.home = (.+)/.exec(home.stderr ?? '')?.[1]?.trim();
    if (javaHome) return { home: javaHome, major: onPath };
  }
  return null;
}

function majorOf(java: string): number | null {
  if (java !== 'java' && !existsSync(java)) return null;
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  return result.status === 0 ? javaMajor(`${result.stderr}${result.stdout}`) : null;
}
