/**
 * How soon a node-redis cluster client of the session cluster asks for the slot map again after
 * it loses a node (`topologyRefreshOnReconnectionAttemptStrategy`). A failed primary's replica
 * takes over within about the cluster node timeout; with node-redis's default of 5 s, every
 * command for that shard kept failing for seconds after the new primary served (the edge's
 * sign-in limiter answered 503 for about 5 s in `npm run chaos -- redis-primary-killed`).
 */
export const clusterTopologyRefreshMs = 250;
