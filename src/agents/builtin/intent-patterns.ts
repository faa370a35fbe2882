/** Intents seed 003's integration agent routes on, in tie-break order (most actionable first). */
export const messageIntents = ['meeting_request', 'lead_inquiry', 'follow_up'] as const;
export type MessageIntent = (typeof messageIntents)[number];

/** One signal: a label reported in `matched`, a pattern over normalised text, and its weight. */
export interface IntentPattern {
  readonly label: string;
  readonly pattern: RegExp;
  readonly weight: number;
}

// Patterns run on lower-cased text with accents removed ("reunião" → "reuniao"), so they are written without accents.
const p = (label: string, pattern: RegExp, weight = 2): IntentPattern => ({ label, pattern, weight });

/** English, Spanish and Portuguese signals per intent (WhatsApp leads write in all three). */
export const intentPatterns: { readonly [I in MessageIntent]: readonly IntentPattern[] } = {
  meeting_request: [
    p('schedule', /\b(?:schedule|reschedule)\b/),
    p('book', /\bbook (?:a |an )?(?:call|meeting|demo|slot|time)\b/, 3),
    p('meeting', /\bmeet(?:ing)?s?\b/),
    p('call', /\bcall\b/, 1),
    p('demo', /\bdemo\b/),
    p('calendar', /\bcalendar\b|\bcalendly\b/),
    p('available times', /\b(?:available|availability|free) (?:times?|slots?|this week|tomorrow|on)\b|\bwhat time works\b|\bwhen (?:are|is) (?:you|your team) (?:available|free)\b/, 3),
    p('video call', /\bzoom\b|\bgoogle meet\b|\bteams call\b/),
    p('es: reunion', /\breunion(?:es)?\b/),
    p('es: agendar', /\bagendar\b|\bagenda(?:r)? una\b|\bprogramar\b/),
    p('es: llamada', /\bllamada\b/),
    p('es: cita', /\bcita\b/),
    p('es: demostracion', /\bdemostracion\b/),
    p('es: disponible', /\b(?:estas|esta|estan) disponibles?\b|\bhorarios? disponibles?\b|\bque horario\b/, 3),
    p('pt: reuniao', /\breunia(?:o|oes)\b/),
    p('pt: marcar', /\bmarcar\b/),
    p('pt: ligacao', /\bligacao\b|\bchamada\b/),
    p('pt: disponivel', /\bhorarios? disponive(?:l|is)\b|\b(?:esta|voce esta) disponivel\b/, 3),
  ],
  lead_inquiry: [
    p('pricing', /\bpric(?:e|es|ing)\b/),
    p('quote', /\bquote\b|\bestimate\b/),
    p('cost', /\bcosts?\b|\bhow much\b/),
    p('interested', /\binterested\b/),
    p('buy', /\bbuy\b|\bpurchase\b/),
    p('plan', /\bplans?\b|\bsubscription\b|\btrial\b/, 1),
    p('es: precio', /\bprecios?\b/),
    p('es: cotizacion', /\bcotizacion\b|\bpresupuesto\b/),
    p('es: cuanto cuesta', /\bcuanto (?:cuesta|vale|sale)\b/),
    p('es: interesado', /\binteresad[oa]s?\b/),
    p('es: comprar', /\bcomprar\b/),
    p('es: plan', /\bplanes\b/, 1),
    p('pt: preco', /\bprecos?\b/),
    p('pt: orcamento', /\borcamento\b/),
    p('pt: quanto custa', /\bquanto (?:custa|e)\b/),
    p('pt: plano', /\bplanos?\b|\bassinatura\b/, 1),
  ],
  follow_up: [
    p('following up', /\bfollow(?:ing)?[- ]?up\b/),
    p('checking in', /\bchecking in\b|\bjust checking\b|\bcircling back\b/),
    p('any update', /\bany (?:updates?|news)\b/),
    p('still waiting', /\bstill waiting\b|\bas discussed\b|\bgentle reminder\b|\breminder\b/),
    p('re:', /^\s*re\s*:/, 1),
    p('es: seguimiento', /\bseguimiento\b/),
    p('es: alguna novedad', /\balguna (?:novedad|actualizacion)\b/),
    p('es: sigo esperando', /\bsigo esperando\b|\brecordatorio\b|\bte escribo de nuevo\b/),
    p('pt: acompanhamento', /\bacompanhamento\b|\bretomando\b/),
    p('pt: alguma novidade', /\balguma (?:novidade|atualizacao)\b/),
    p('pt: ainda aguardo', /\bainda (?:aguardo|aguardando|esperando)\b|\blembrete\b/),
  ],
};
