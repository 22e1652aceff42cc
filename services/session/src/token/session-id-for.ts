// The edge's near cache keys sessions the same way, so the derivation lives in core.
export { sessionIdFor } from '@authscale/core';
