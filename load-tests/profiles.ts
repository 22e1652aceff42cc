/**
 * The profiles in `load-tests/`, each a script of that name: shared by the local runner
 * (`npm run loadtest`) and the AWS load-test stack, which run the same scripts.
 */
export const profiles = ['smoke', 'read-heavy', 'login-storm', 'refresh-rotation', 'failover'] as const;
export type Profile = (typeof profiles)[number];

/**
 * Each profile cut to seconds with its thresholds unchanged (`npm run loadtest -- --brief`): what CI
 * runs, so a script that throws or makes no request fails there, not on a team's first real run.
 * The failover profile outlasts its kill, 5 s in, by as much again.
 */
export const briefSettings: Readonly<Record<Profile, Readonly<Record<string, string>>>> = {
  smoke: {},
  'read-heavy': { DURATION: '5s', VUS: '4', USERS: '8' },
  'login-storm': { RAMP: '2s', HOLD: '3s', PEAK_RATE: '5', USERS: '8' },
  'refresh-rotation': { DURATION: '5s', RATE: '5', MAX_VUS: '5' },
  failover: { DURATION: '10s', RATE: '50' },
};
