import { readContextNumber, readContextString } from '../alert-context.js';
import type { Alert } from '../alert-schema.js';

/** What a rule found in one alert: its confidence before history, and why. */
export interface RuleFinding {
  readonly confidence: number;
  readonly evidence: readonly string[];
}

/** One failure family: how to recognise it in an alert and what to do about it. */
export interface RcaRule {
  /** Stable id, also matched against past alerts' `root_cause`. */
  readonly family: string;
  readonly cause: string;
  readonly recommendedActions: readonly string[];
  detect(alert: Alert, text: string): RuleFinding | undefined;
}

/** The text a rule's keywords are matched in: alert type, description and context message fields, lower-cased. */
export function alertText(alert: Alert): string {
  const message = readContextString(alert, ['error', 'message', 'error_message', 'log'])?.value ?? '';
  return [alert.alert_type ?? '', alert.description ?? '', message].join(' ').replace(/_/g, ' ').toLowerCase();
}

function firstMatch(text: string, patterns: readonly RegExp[]): string | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

/** Confidence from a measured signal, nudged up when the text agrees; text alone gives `textOnly`. */
function combine(measured: RuleFinding | undefined, keyword: string | undefined, textOnly: number): RuleFinding | undefined {
  const keywordEvidence = keyword === undefined ? [] : [`description mentions "${keyword}"`];
  if (measured) {
    return { confidence: measured.confidence + (keyword === undefined ? 0 : 0.05), evidence: [...measured.evidence, ...keywordEvidence] };
  }
  return keyword === undefined ? undefined : { confidence: textOnly, evidence: keywordEvidence };
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** Usage against a limit, from either a percentage field or a used/limit pair. */
function usageRatio(alert: Alert, percentKeys: readonly string[], usedKeys: readonly string[], limitKeys: readonly string[]): { ratio: number; evidence: string } | undefined {
  const pct = readContextNumber(alert, percentKeys);
  if (pct) {
    const ratio = pct.value > 1 ? pct.value / 100 : pct.value;
    return { ratio, evidence: `context.${pct.key} = ${pct.value} (${percent(ratio)} used)` };
  }
  const used = readContextNumber(alert, usedKeys);
  const limit = readContextNumber(alert, limitKeys);
  if (used && limit && limit.value > 0) {
    const ratio = used.value / limit.value;
    return { ratio, evidence: `context.${used.key} = ${used.value} of context.${limit.key} = ${limit.value} (${percent(ratio)})` };
  }
  return undefined;
}

function saturation(usage: { ratio: number; evidence: string } | undefined, bands: readonly (readonly [number, number])[]): RuleFinding | undefined {
  if (!usage) return undefined;
  for (const [minimumRatio, confidence] of bands) {
    if (usage.ratio >= minimumRatio) return { confidence, evidence: [usage.evidence] };
  }
  return undefined;
}

const connectionPool: RcaRule = {
  family: 'connection_pool_exhaustion',
  cause: 'Connection pool exhaustion',
  recommendedActions: [
    'Find and fix connection leaks (connections not returned to the pool)',
    'Raise max_connections or the pool size if load is legitimate',
    'Add pool wait timeouts and alert at 80% pool usage',
    'Put a connection pooler (e.g. PgBouncer) in front of the database',
  ],
  detect(alert, text) {
    const used = readContextNumber(alert, ['connection_count', 'active_connections', 'connections', 'db_connections', 'pool_in_use']);
    const limit = readContextNumber(alert, ['max_connections', 'connection_limit', 'pool_size', 'max_pool_size']);
    let measured: RuleFinding | undefined;
    if (used && limit && limit.value > 0) {
      const ratio = used.value / limit.value;
      const relation = ratio >= 1 ? 'reached' : 'is close to';
      const evidence = [`context.${used.key} = ${used.value} ${relation} context.${limit.key} = ${limit.value} (${percent(ratio)})`];
      if (ratio >= 1) measured = { confidence: 0.9, evidence };
      else if (ratio >= 0.9) measured = { confidence: 0.75, evidence };
    }
    const keyword = firstMatch(text, [/connection pool/, /too many connections/, /pool exhausted/, /no available connections?/, /connection limit/]);
    return combine(measured, keyword, 0.6);
  },
};

const memory: RcaRule = {
  family: 'memory_exhaustion',
  cause: 'Memory exhaustion',
  recommendedActions: [
    'Check for memory leaks with a heap snapshot or profiler',
    'Raise the memory or heap limit if the working set legitimately grew',
    'Restart affected instances to restore service, then watch memory growth',
  ],
  detect(alert, text) {
    const usage = usageRatio(alert, ['memory_usage_percent', 'memory_percent', 'memory_utilization', 'mem_percent'], ['heap_used', 'memory_used', 'memory_used_mb', 'rss_mb'], ['heap_limit', 'memory_limit', 'memory_limit_mb', 'max_memory_mb']);
    const keyword = firstMatch(text, [/out of memory/, /\boom\b/, /heap (?:space|limit|out)/, /memory (?:exhaust|pressure|leak|limit)/]);
    return combine(saturation(usage, [[0.95, 0.85], [0.85, 0.7]]), keyword, 0.55);
  },
};

const disk: RcaRule = {
  family: 'disk_full',
  cause: 'Disk full',
  recommendedActions: [
    'Free space: rotate or ship logs, remove old artifacts and temp files',
    'Grow the volume or add retention limits',
    'Alert at 80% disk usage',
  ],
  detect(alert, text) {
    const usage = usageRatio(alert, ['disk_usage_percent', 'disk_percent', 'disk_utilization', 'filesystem_usage_percent'], ['disk_used_gb', 'disk_used'], ['disk_size_gb', 'disk_total_gb', 'disk_total']);
    const keyword = firstMatch(text, [/no space left/, /disk (?:is )?full/, /disk (?:usage|space)/, /volume full/]);
    return combine(saturation(usage, [[0.95, 0.85], [0.85, 0.65]]), keyword, 0.55);
  },
};

const downstream: RcaRule = {
  family: 'downstream_slowness',
  cause: 'Slow or unresponsive downstream dependency',
  recommendedActions: [
    'Trace slow requests to the dependency that is slow (database, external API)',
    'Set timeouts and circuit breakers on calls to that dependency',
    'Check the dependency\'s own health and recent changes',
  ],
  detect(alert, text) {
    const latency = readContextNumber(alert, ['p99_latency_ms', 'p95_latency_ms', 'latency_ms', 'response_time_ms', 'avg_latency_ms']);
    const threshold = readContextNumber(alert, ['latency_threshold_ms', 'slo_latency_ms', 'timeout_ms']);
    const timeouts = readContextNumber(alert, ['timeout_count', 'timeouts']);
    const evidence: string[] = [];
    let confidence = 0;
    const limit = threshold?.value ?? 1000;
    if (latency && latency.value >= limit) {
      evidence.push(`context.${latency.key} = ${latency.value} is at or above ${threshold ? `context.${threshold.key} = ${limit}` : `${limit} ms`}`);
      confidence = 0.7;
    }
    if (timeouts && timeouts.value > 0) {
      evidence.push(`context.${timeouts.key} = ${timeouts.value}`);
      confidence = Math.max(confidence, 0.65);
    }
    const keyword = firstMatch(text, [/timed? ?out/, /timeouts?/, /high latency/, /latency/, /slow (?:response|query|queries|requests?)/, /\bslow\b/]);
    return combine(confidence > 0 ? { confidence, evidence } : undefined, keyword, 0.5);
  },
};

const deployment: RcaRule = {
  family: 'bad_deployment',
  cause: 'Faulty deployment or version change',
  recommendedActions: [
    'Compare error rates before and after the deployment',
    'Roll back to the previous version if errors started with the release',
    'Review the change set and add a canary stage for similar changes',
  ],
  detect(alert, text) {
    const version = readContextString(alert, ['version', 'deployment_id', 'release', 'deployed_version']);
    const previous = readContextString(alert, ['previous_version', 'prior_version', 'last_version']);
    const deployedAt = readContextString(alert, ['deployed_at', 'last_deploy_at', 'recent_deploy']);
    const changed = (version && previous && version.value !== previous.value) || deployedAt !== undefined;
    const errorRate = readContextNumber(alert, ['error_rate', 'error_rate_percent', 'error_percentage']);
    const baseline = readContextNumber(alert, ['baseline_error_rate', 'previous_error_rate', 'normal_error_rate']);
    const evidence: string[] = [];
    if (version && previous && version.value !== previous.value) evidence.push(`version changed from ${previous.value} to ${version.value}`);
    if (deployedAt) evidence.push(`context.${deployedAt.key} = ${deployedAt.value}`);
    let spike = false;
    if (errorRate) {
      const rate = errorRate.key.includes('percent') || errorRate.value > 1 ? errorRate.value / 100 : errorRate.value;
      const base = baseline ? (baseline.value > 1 ? baseline.value / 100 : baseline.value) : undefined;
      spike = base !== undefined ? rate >= Math.max(base * 3, base + 0.01) : rate >= 0.05;
      if (spike) evidence.push(`context.${errorRate.key} = ${errorRate.value}${baseline ? ` against a baseline of ${baseline.value}` : ''}`);
    }
    const keyword = firstMatch(text, [/deploy(?:ment|ed)?/, /release/, /rollout/, /new version/, /upgrade/]);
    if (changed && spike) return combine({ confidence: 0.8, evidence }, keyword, 0);
    if (changed) return combine({ confidence: 0.45, evidence }, keyword, 0);
    return combine(undefined, keyword, 0.4);
  },
};

const certificate: RcaRule = {
  family: 'certificate_expiry',
  cause: 'Expired or expiring TLS certificate',
  recommendedActions: ['Renew the certificate and reload the services that use it', 'Automate renewal (e.g. ACME) and alert 30 days before expiry'],
  detect(alert, text) {
    const days = readContextNumber(alert, ['days_until_expiry', 'cert_days_remaining', 'certificate_days_remaining']);
    let measured: RuleFinding | undefined;
    if (days && days.value <= 0) measured = { confidence: 0.9, evidence: [`context.${days.key} = ${days.value} (expired)`] };
    else if (days && days.value <= 7) measured = { confidence: 0.6, evidence: [`context.${days.key} = ${days.value}`] };
    const keyword = firstMatch(text, [/certificate (?:has )?expired/, /cert(?:ificate)? expir\w*/, /(?:ssl|tls) (?:handshake|certificate|error)/, /x509/]);
    return combine(measured, keyword, 0.75);
  },
};

const rateLimit: RcaRule = {
  family: 'rate_limiting',
  cause: 'Rate limiting by an upstream or downstream API',
  recommendedActions: ['Back off and retry with jitter, honouring Retry-After', 'Spread or batch requests, or request a higher quota'],
  detect(alert, text) {
    const count = readContextNumber(alert, ['http_429_count', 'rate_limited_requests', 'throttled_requests']);
    const status = readContextNumber(alert, ['status_code', 'http_status']);
    let measured: RuleFinding | undefined;
    if (count && count.value > 0) measured = { confidence: 0.8, evidence: [`context.${count.key} = ${count.value}`] };
    else if (status?.value === 429) measured = { confidence: 0.8, evidence: [`context.${status.key} = 429`] };
    const keyword = firstMatch(text, [/\b429\b/, /rate.?limit\w*/, /throttl\w*/, /too many requests/, /quota exceeded/]);
    return combine(measured, keyword, 0.7);
  },
};

const auth: RcaRule = {
  family: 'authentication_failure',
  cause: 'Authentication or authorisation failures (expired or revoked credentials)',
  recommendedActions: ['Check for expired, rotated or revoked credentials and tokens', 'If failures come from many sources, treat it as a possible attack: block and investigate'],
  detect(alert, text) {
    const failures = readContextNumber(alert, ['auth_failures', 'failed_logins', 'unauthorized_count', 'http_401_count', 'http_403_count']);
    const status = readContextNumber(alert, ['status_code', 'http_status']);
    let measured: RuleFinding | undefined;
    if (failures && failures.value > 0) measured = { confidence: 0.7, evidence: [`context.${failures.key} = ${failures.value}`] };
    else if (status && (status.value === 401 || status.value === 403)) measured = { confidence: 0.7, evidence: [`context.${status.key} = ${status.value}`] };
    const keyword = firstMatch(text, [/unauthori[sz]ed/, /authentication fail\w*/, /auth(?:entication)? errors?/, /invalid (?:credentials|token|api key)/, /token expired/, /\b40[13]\b/, /forbidden/]);
    return combine(measured, keyword, 0.65);
  },
};

const queueBacklog: RcaRule = {
  family: 'queue_backlog',
  cause: 'Queue backlog growth (consumers slower than producers)',
  recommendedActions: ['Scale out consumers or raise their concurrency', 'Look for a poison message or a slow handler blocking consumers', 'Check that producers are not retrying in a loop'],
  detect(alert, text) {
    const depth = readContextNumber(alert, ['queue_depth', 'queue_size', 'backlog', 'consumer_lag', 'pending_messages']);
    const capacity = readContextNumber(alert, ['queue_capacity', 'max_queue_size', 'lag_threshold']);
    const previous = readContextNumber(alert, ['previous_queue_depth', 'queue_depth_before']);
    let measured: RuleFinding | undefined;
    if (depth && capacity && capacity.value > 0 && depth.value / capacity.value >= 0.8) {
      measured = { confidence: 0.75, evidence: [`context.${depth.key} = ${depth.value} of context.${capacity.key} = ${capacity.value} (${percent(depth.value / capacity.value)})`] };
    } else if (depth && previous && depth.value >= previous.value * 2 && depth.value > 0) {
      measured = { confidence: 0.7, evidence: [`context.${depth.key} grew from ${previous.value} to ${depth.value}`] };
    }
    const keyword = firstMatch(text, [/backlog/, /queue (?:depth|growing|full|build.?up)/, /consumer lag/, /messages? piling/]);
    return combine(measured, keyword, 0.55);
  },
};

/** Every failure family, in the order ties are broken. */
export const rcaRules: readonly RcaRule[] = [connectionPool, memory, disk, downstream, deployment, certificate, rateLimit, auth, queueBacklog];
