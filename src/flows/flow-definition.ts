import type { EndpointRegistration } from '../ingress/webhooks/endpoint-registration.js';

/** What an enabled flow installs at start, or why it cannot be. */
export type FlowDefinition =
  | { readonly endpoints: readonly EndpointRegistration[]; readonly routes: readonly Record<string, unknown>[]; readonly problem?: undefined }
  | { readonly problem: string };
