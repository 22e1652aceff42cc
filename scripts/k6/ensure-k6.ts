import { ensureGoTool } from '../go-tool.ts';

/** The k6 every runner uses (`npm run smoke`, `npm run loadtest`), as CI builds it. */
export const k6Version = 'v1.8.1';

/** The path of k6 at `k6Version`, built once from the Go module proxy and kept outside the checkout. */
export const ensureK6 = () => ensureGoTool({ name: 'k6', pkg: 'go.k6.io/k6', version: k6Version, binary: 'k6' });
