import type { SendOutcome } from './channel.js';

/** The failed arm of `SendOutcome`. */
export type SendFailure = Extract<SendOutcome, { kind: 'failed' }>;
