/** Rounds a 0..1 score to two decimals and clamps it, so outputs compare exactly across runs. */
export function roundScore(value: number): number {
  const clamped = Math.min(1, Math.max(0, value));
  return Math.round(clamped * 100) / 100;
}
