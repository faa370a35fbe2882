import type { HttpTranscript } from './http-transcript.js';
import type { ExampleConfig } from './read-example-config.js';

/** A stand-in as the runner lists it. */
export interface StandInListing {
  readonly name: string;
  readonly url: string;
}

/** Chooses a stand-in's port: EXAMPLE_<SERVICE>_PORT when set (0: a free one), else the port of the config's base URL. */
export type PortChoice = (service: string, configuredUrl: string) => number;

/** One example with its stand-ins running. */
export interface ExampleSession {
  readonly standIns: readonly StandInListing[];
  /** Switchboard's environment: the secrets its config file interpolates, and `<SERVICE>_API_URL` for a stand-in that is not where the file says. */
  readonly env: Readonly<Record<string, string>>;
  /** The sequence of requests; an ExampleFailure when an answer is not what it should be. */
  run(http: HttpTranscript): Promise<void>;
  /** With --keep: lines (URLs, a curl) to try it by hand. */
  tryIt(switchboardUrl: string): readonly string[];
  /** With --keep: prints what the stand-ins receive from now on; returns a function that stops. */
  watch(print: (line: string) => void): () => void;
  close(): Promise<void>;
}

export interface Example {
  readonly title: string;
  /** Relative to the repository root. */
  readonly configFile: string;
  open(config: ExampleConfig, portOf: PortChoice): Promise<ExampleSession>;
}

/** `{ [name]: actual }` when a stand-in is not at the config file's base URL (Switchboard's environment variable wins over the file), else nothing. */
export function baseUrlOverride(name: string, actual: string, configured: string): Record<string, string> {
  return actual.replace(/\/$/, '') === configured.replace(/\/$/, '') ? {} : { [name]: actual };
}
