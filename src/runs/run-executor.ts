import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { EventEnvelope } from '../core/event-envelope.js';
import { newId } from '../core/new-id.js';
import type { JobContext, JobHandler, QueueRegistration } from '../queue/job-handler.js';
import type { JobNotifier } from '../queue/job-notifier.js';
import { nextDelayMs, type RetryPolicy } from '../queue/retry-policy.js';
import type { CompiledRoute } from '../routing/compiled-route.js';
import type { StepDefinition } from '../routing/route-definition.js';
import type { Database, Dialect, EventsTable, NotifyOutboxTable, RunStepsTable } from '../store/database.js';
import { loadRuns, type LoadedRun } from '../store/runs/load-runs.js';
import { eventEnvelopeFromRow } from '../store/events/event-envelope-from-row.js';
import type { FailureDisposition } from '../store/jobs/fail-job.js';
import type { EmittedEvent, RunProgress, RunProgressOutcome } from '../store/runs/commit-run-progress.js';
import { buildRunStarts } from './build-run-starts.js';
import { executeStep, stepIdempotencyKey, type StepDeps } from './execute-step.js';
import { nextStep, planRun, type BranchExpansions } from './plan-run.js';
import type { RunCompletions } from './run-completions.js';
import { RUNS_QUEUE, type RunJobPayload } from './run-queue.js';
import type { StepFailure } from './step-failure.js';
import type { StepOutcome } from './step-outcome.js';
import type { StepScope } from './step-scope.js';

/** The source of events that emit steps append: `switchboard/routes/<route id>`. */
export function emittedEventSource(routeId: string): string {
  return `switchboard/routes/${routeId}`;
}

/** Chained emits deeper than this append their event but start no runs (a route that matches its own emits would loop forever). */
export const MAX_CHAIN_DEPTH = 16;

export interface RunExecutorDeps {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /**
   * Commits run progress; resolves after the commit. Production groups many runs' progress into one
   * statement or transaction (see main.ts); anything with commitRunProgress's semantics works.
   */
  readonly commit: (progress: RunProgress) => Promise<RunProgressOutcome>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** [0, 1), for retry jitter. */
  readonly random: () => number;
  /** What steps execute with (agents, actions, LLM client, store reader, expression limits). */
  readonly steps: Omit<StepDeps, 'clock' | 'logger' | 'idempotencyKey'>;
  /** Matches the events emit steps append, so routes can chain on them; a replayed run reads its route's current steps. */
  readonly routes: { match(envelope: EventEnvelope): Promise<CompiledRoute[]>; get(id: string): CompiledRoute | undefined };
  /** Wakes workers for the runs that emitted events start. */
  readonly notifier: JobNotifier;
  readonly completions: RunCompletions;
  /** Retry defaults for agent and action steps; a step's `retry` overrides them field by field. */
  readonly stepPolicy: RetryPolicy;
  /**
   * A step that took at least this long is committed before the next one starts, so a crash does not
   * pay for it twice; action steps (external effects) are always committed right after they succeed.
   */
  readonly checkpointAfterMs: number;
  /** Called after a commit that wrote notify_outbox rows, so the relay turns them into deliveries at once. */
  readonly onNotificationsCommitted?: (() => void) | undefined;
}

const isFinished = (status: string): boolean => status === 'succeeded' || status === 'cancelled';

/** The retry policy of one step: the executor's defaults with the step's own `retry` fields over them. */
function policyFor(step: StepDefinition, defaults: RetryPolicy): RetryPolicy {
  if ((step.kind !== 'agent' && step.kind !== 'action') || step.retry === undefined) return defaults;
  return {
    ...defaults,
    maxAttempts: step.retry.max_attempts ?? defaults.maxAttempts,
    baseDelayMs: step.retry.base_delay_ms ?? defaults.baseDelayMs,
    maxDelayMs: step.retry.max_delay_ms ?? defaults.maxDelayMs,
  };
}

/** Writes collected since the last commit. */
interface PendingWrites {
  steps: RunStepsTable[];
  events: EmittedEvent[];
  notifications: NotifyOutboxTable[];
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * The handler of the `runs` queue: executes one run from where it stands. Steps whose output is
 * committed are skipped (their outputs are in scope); the others run in plan order, and their
 * results are committed together with the job's completion, or earlier at checkpoints (after an
 * action, or a slow step). A failed step is recorded with its attempt count; the job is retried after
 * the step's backoff, or dead-lettered (and the run failed) when the step is out of attempts or its
 * failure cannot be helped by a retry. Replaying the dead letter resumes the run at that step.
 */
/**
 * The `runs` queue's registration: the handler below, and a prefetch that loads a whole claimed
 * batch of runs in one query (one read per claim instead of one per run).
 */
export function createRunQueue(deps: RunExecutorDeps, policy: RetryPolicy): QueueRegistration {
  return {
    policy,
    handler: createRunJobHandler(deps),
    async prefetch(jobs) {
      const ids = jobs.map((job) => (job.payload as Partial<RunJobPayload> | null)?.run_id).filter((id): id is string => typeof id === 'string');
      const runs = await loadRuns(deps.db, deps.dialect, ids);
      const byJob = new Map<string, LoadedRun>();
      for (const job of jobs) {
        const run = runs.get((job.payload as Partial<RunJobPayload> | null)?.run_id ?? '');
        if (run !== undefined) byJob.set(job.id, run);
      }
      return byJob;
    },
  };
}

export function createRunJobHandler(deps: RunExecutorDeps): JobHandler {
  return async (job, context) => {
    const payload = job.payload as Partial<RunJobPayload> | null;
    const runId = payload?.run_id;
    if (typeof runId !== 'string') return { kind: 'failed', code: 'payload_invalid', message: `A ${RUNS_QUEUE} job needs {run_id}` };
    const prefetched = context.prefetched as LoadedRun | undefined;
    const loaded = prefetched?.run.id === runId ? prefetched : (await loadRuns(deps.db, deps.dialect, [runId])).get(runId);
    // A deleted run, or one finished or cancelled meanwhile: nothing to do; the worker completes the job.
    if (loaded === undefined || isFinished(loaded.run.status)) return undefined;
    return new RunExecution(deps, loaded, context).execute();
  };
}

class RunExecution {
  readonly #deps: RunExecutorDeps;
  readonly #context: JobContext;
  readonly #run: LoadedRun['run'];
  readonly #routeSteps: readonly StepDefinition[];
  readonly #completed = new Set<string>();
  readonly #expansions: Record<string, readonly StepDefinition[]> = {};
  /** Attempts already made of steps that have not succeeded (reset when a failed run is replayed). */
  readonly #attempts = new Map<string, number>();
  readonly #chainDepth: number;
  #scope: StepScope;
  #pending: PendingWrites = { steps: [], events: [], notifications: [] };
  /** The plan to store with the next commit, when it changed. */
  #newPlan: string | undefined;

  constructor(deps: RunExecutorDeps, loaded: LoadedRun, context: JobContext) {
    this.#deps = deps;
    this.#context = context;
    this.#run = loaded.run;
    const replayed = loaded.run.status === 'failed';
    // A replayed (dead-lettered) run executes its route as it is now, so fixing the route and replaying
    // completes it; steps already succeeded keep their outputs. A run resumed after a crash keeps its plan.
    const current = replayed ? deps.routes.get(loaded.run.route_id) : undefined;
    this.#routeSteps = current === undefined ? (JSON.parse(loaded.run.plan) as StepDefinition[]) : current.definition.steps;
    if (current !== undefined) this.#newPlan = JSON.stringify(current.definition.steps);
    const outputs: Record<string, unknown> = {};
    for (const row of loaded.steps) {
      if (row.status === 'succeeded') {
        const output = row.output === null ? null : (JSON.parse(row.output) as unknown);
        this.#completed.add(row.name);
        outputs[row.name] = output;
        if (row.kind === 'branch') this.#expansions[row.name] = ((output as { steps?: StepDefinition[] } | null)?.steps ?? []) as StepDefinition[];
      } else if (!replayed) {
        this.#attempts.set(row.name, row.attempts);
      }
    }
    const depth = Number(loaded.event.extensions['chaindepth'] ?? '0');
    this.#chainDepth = Number.isFinite(depth) ? depth : 0;
    this.#scope = { event: loaded.event, steps: outputs, run: { id: loaded.run.id, route_id: loaded.run.route_id, attempt: 1 } };
  }

  async execute(): Promise<'settled' | undefined> {
    const deps = this.#deps;
    for (;;) {
      if (this.#context.signal.aborted) return 'settled'; // The claim is gone: whoever holds it now finishes the run.
      const expansions: BranchExpansions = this.#expansions;
      const step = nextStep(this.#routeSteps, this.#completed, expansions);
      if (step === undefined) return this.#finish();
      const position = planRun(this.#routeSteps, expansions).indexOf(step);
      const attempt = (this.#attempts.get(step.name) ?? 0) + 1;
      const startedAt = deps.clock.nowMs();
      const scope: StepScope = { ...this.#scope, run: { ...this.#scope.run, attempt } };
      const outcome = await executeStep(step, scope, {
        ...deps.steps,
        clock: deps.clock,
        logger: deps.logger,
        idempotencyKey: stepIdempotencyKey(this.#run.id, step.name),
      });
      const finishedAt = deps.clock.nowMs();
      const base = { run_id: this.#run.id, step_name: step.name, position, kind: step.kind, attempts: attempt, started_at: startedAt, finished_at: finishedAt };
      if (outcome.kind === 'failed') return this.#fail(step, outcome.error, { ...base, status: 'failed', input: outcome.input === undefined ? null : json(outcome.input), output: null, error: json({ code: outcome.error.code, message: outcome.error.message }) });

      const output = await this.#record(step, outcome, finishedAt);
      this.#pending.steps.push({ ...base, status: 'succeeded', input: outcome.kind === 'output' && outcome.input !== undefined ? json(outcome.input) : null, output: json(output), error: null });
      this.#completed.add(step.name);
      this.#scope = { ...this.#scope, steps: { ...this.#scope.steps, [step.name]: output } };
      if (step.kind === 'action' || finishedAt - startedAt >= deps.checkpointAfterMs) {
        const checkpoint = await this.#commit({ status: 'running' }, { outcome: 'held' });
        if (checkpoint !== 'committed') return checkpoint === 'run_finished' ? undefined : 'settled';
      }
    }
  }

  /** The step's output as stored and seen by later steps; emit and notify also queue their writes. */
  async #record(step: StepDefinition, outcome: Exclude<StepOutcome, { kind: 'failed' }>, nowMs: number): Promise<unknown> {
    switch (outcome.kind) {
      case 'output':
        return outcome.output ?? null;
      case 'branch':
        this.#expansions[step.name] = outcome.steps;
        return { steps: outcome.steps };
      case 'notify': {
        const id = newId(nowMs);
        this.#pending.notifications.push({ id, run_id: this.#run.id, step_name: step.name, request: json(outcome.request), status: 'pending', created_at: nowMs });
        return { notification_id: id, user_ids: outcome.request.user_ids };
      }
      case 'emit': {
        const emitted = await this.#emit(step.name, outcome.event, nowMs);
        this.#pending.events.push(emitted);
        return { event_id: emitted.event.id, type: emitted.event.type, runs_started: emitted.runs.length };
      }
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }

  async #emit(stepName: string, request: Extract<StepOutcome, { kind: 'emit' }>['event'], nowMs: number): Promise<EmittedEvent> {
    const depth = this.#chainDepth + 1;
    const extensions: Record<string, string> = { runid: this.#run.id, causationid: this.#scope.event.id, chaindepth: String(depth) };
    const event: EventsTable & { routed: number } = {
      id: newId(nowMs),
      source: emittedEventSource(this.#run.route_id),
      type: request.type,
      subject: request.subject ?? null,
      time: new Date(nowMs).toISOString(),
      received_at: nowMs,
      datacontenttype: 'application/json',
      data: json(request.data),
      data_base64: null,
      extensions: JSON.stringify(extensions),
      // The same for every attempt of the step: appending it twice is impossible.
      idempotency_key: stepIdempotencyKey(this.#run.id, stepName),
      routed: 0,
    };
    let routes: CompiledRoute[] = [];
    if (depth <= MAX_CHAIN_DEPTH) routes = await this.#deps.routes.match(eventEnvelopeFromRow(event));
    else this.#deps.logger.warn({ run_id: this.#run.id, step: stepName, depth }, 'emit chain too deep: the event is appended but starts no runs');
    const runs = buildRunStarts(event.id, routes, nowMs, this.#deps.stepPolicy.maxAttempts);
    return { event: { ...event, routed: runs.length > 0 ? 1 : 0 }, runs };
  }

  async #finish(): Promise<'settled' | undefined> {
    const outcome = await this.#commit({ status: 'succeeded' }, { outcome: 'completed' });
    if (outcome === 'committed') this.#deps.completions.finished(this.#run.id, 'succeeded');
    return outcome === 'run_finished' ? undefined : 'settled';
  }

  async #fail(step: StepDefinition, failure: StepFailure, row: RunStepsTable): Promise<'settled' | undefined> {
    const deps = this.#deps;
    const policy = policyFor(step, deps.stepPolicy);
    const attempt = Number(row.attempts);
    const nowMs = deps.clock.nowMs();
    const final = !failure.retryable || attempt >= policy.maxAttempts;
    const disposition: FailureDisposition = final ? 'dead' : { retryAtMs: nowMs + (failure.retryAfterMs ?? nextDelayMs(policy, attempt, deps.random)) };
    this.#pending.steps.push(row);
    const error = { code: failure.code, message: `step "${step.name}" (attempt ${attempt}): ${failure.message}` };
    const outcome = await this.#commit(final ? { status: 'failed', error: { ...error, step: step.name } } : { status: 'running' }, { outcome: 'failed', error, disposition });
    if (outcome === 'committed' && final) deps.completions.finished(this.#run.id, 'failed');
    if (outcome === 'committed' && !final) deps.completions.retrying(this.#run.id, step.name);
    deps.logger.warn({ run_id: this.#run.id, route: this.#run.route_id, step: step.name, attempt, code: failure.code, dead: final }, final ? 'run step failed for good; the run is dead-lettered' : 'run step failed; retrying');
    return outcome === 'run_finished' ? undefined : 'settled';
  }

  async #commit(
    run: RunProgress['run'],
    job: { outcome: 'completed' } | { outcome: 'held' } | { outcome: 'failed'; error: { code: string; message: string }; disposition: FailureDisposition },
  ): Promise<'committed' | 'run_finished' | 'lost_claim'> {
    const deps = this.#deps;
    const pending = this.#pending;
    this.#pending = { steps: [], events: [], notifications: [] };
    const progress: RunProgress = {
      runId: this.#run.id,
      steps: pending.steps,
      events: pending.events,
      notifications: pending.notifications,
      run,
      ...(this.#newPlan === undefined ? {} : { plan: this.#newPlan }),
      job: { claim: this.#context.claim, ...job },
      nowMs: deps.clock.nowMs(),
    };
    const outcome = await deps.commit(progress);
    if (outcome.status === 'committed') this.#newPlan = undefined;
    if (outcome.status === 'committed' && outcome.startedRuns > 0) await deps.notifier.notifyEnqueued(deps.db, [RUNS_QUEUE]);
    if (outcome.status === 'committed' && pending.notifications.length > 0) deps.onNotificationsCommitted?.();
    if (outcome.status === 'run_finished') deps.logger.info({ run_id: this.#run.id }, 'run was cancelled while executing; its last results are discarded');
    return outcome.status;
  }
}
