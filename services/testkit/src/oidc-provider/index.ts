export type { TestProvider } from './start-test-provider.ts';
export { startTestProvider } from './start-test-provider.ts';
