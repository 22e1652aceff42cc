/** A count or rate as the results table prints it: rounded, with thousands separators. */
export const whole = (value: number) => Math.round(value).toLocaleString('en-US');

/** A figure with `digits` decimals (one by default). */
export const fixed = (value: number, digits = 1) => value.toFixed(digits);
