import type { IntegrationType } from '../integration-type.js';
import type { AnyChannel } from './channel.js';

/** One channel per integration type; a type without a channel fails to compile. */
export type ChannelRegistry = Readonly<Record<IntegrationType, AnyChannel>>;
