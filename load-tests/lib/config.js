// Shared settings for every k6 script. Point BASE_URL at the local stack (default) or a deployed edge.
export const baseUrl = (__ENV.BASE_URL || 'http://localhost:8080').replace(/\/$/, '');

// Cookie-authenticated state changes must carry an allowed Origin (CSRF defence); the edge's origin is one.
export const origin = __ENV.ORIGIN || baseUrl;

// The trend columns every summary prints; k6's default leaves out the p99 the thresholds use.
export const summaryTrendStats = ['avg', 'min', 'med', 'p(95)', 'p(99)', 'max'];

export const password = __ENV.LOAD_TEST_PASSWORD || 'load-test correct horse battery';
