/** One reason a route is invalid: where (`steps[2].with.alert`), why, and the step's name when known. */
export interface RouteProblem {
  readonly path: string;
  readonly message: string;
  readonly step?: string | undefined;
}

/** Appends a JSON pointer (`/with/alert`, `/cases/0`) to a route path in the `steps[2].with.alert` notation. */
export function routePath(prefix: string, pointer: string): string {
  let path = prefix;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    path += /^\d+$/.test(segment) ? `[${segment}]` : path === '' ? segment : `.${segment}`;
  }
  return path === '' ? '(route)' : path;
}

/** One line for a person: the first problem, naming its step, and how many more there are. */
export function describeRouteProblems(routeId: string | undefined, problems: readonly RouteProblem[]): string {
  const first = problems[0];
  if (first === undefined) return `Route ${routeId === undefined ? '' : `"${routeId}" `}is valid.`;
  const where = first.step === undefined ? first.path : `step "${first.step}" (${first.path})`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''}; see details)` : '';
  return `Route ${routeId === undefined ? '' : `"${routeId}" `}is invalid: ${where}: ${first.message}${more}`;
}
