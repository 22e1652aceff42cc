/**
 * Runs one measure of the results table; a failure becomes the row's figure (the reason, on one
 * line) instead of ending the run, since the table reports figures, not pass/fail.
 */
export async function measureOrReason<T>(name: string, body: () => Promise<T>): Promise<T | string> {
  console.error(`[bench] ${name}...`);
  try {
    return await body();
  } catch (error) {
    console.error(error);
    return `not measured: ${(error as Error).message.split('\n')[0]}`;
  }
}
