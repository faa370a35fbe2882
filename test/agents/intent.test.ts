import { describe, expect, it } from 'vitest';
import { classifyIntent, intentAgent, type IntentOutput } from '../../src/agents/builtin/intent.js';
import { agentContext, runChecked } from './agent-fixtures.js';

describe('intent agent', () => {
  it.each([
    ['Schedule a demo', 'meeting_request'],
    ['Can we book a call for Thursday?', 'meeting_request'],
    ['What are your available times next week?', 'meeting_request'],
    ['¿Podemos agendar una reunión mañana?', 'meeting_request'],
    ['Quero marcar uma reunião, qual horário disponível?', 'meeting_request'],
    ['What is the pricing for the pro plan?', 'lead_inquiry'],
    ['Hi, I am interested in buying 20 seats, can you send a quote?', 'lead_inquiry'],
    ['Hola, ¿cuánto cuesta? Estoy interesado', 'lead_inquiry'],
    ['Olá, qual o preço do plano anual? Preciso de um orçamento', 'lead_inquiry'],
    ['Just following up on my last message, any update?', 'follow_up'],
    ['Re: proposal', 'follow_up'],
    ['Hola, ¿alguna novedad? Sigo esperando', 'follow_up'],
    ['Oi, alguma novidade? Ainda aguardo retorno', 'follow_up'],
    ['Thanks, have a nice day!', 'other'],
    ['', 'other'],
  ])('classifies %j as %s', async (text, intent) => {
    const out = await runChecked<IntentOutput>(intentAgent, { text });
    expect(out.intent).toBe(intent);
  });

  it('reports the matched signals and a confidence that grows with evidence', () => {
    const weak = classifyIntent('give me a call');
    const strong = classifyIntent('Can we schedule a meeting? Send a calendar invite');
    expect(weak).toMatchObject({ intent: 'meeting_request', matched: ['call'] });
    expect(strong.matched).toEqual(['schedule', 'meeting', 'calendar']);
    expect(strong.confidence).toBeGreaterThan(weak.confidence);
    expect(strong.confidence).toBeLessThanOrEqual(0.95);
    expect(classifyIntent('nothing here')).toEqual({ intent: 'other', confidence: 0.5, matched: [], scores: { meeting_request: 0, lead_inquiry: 0, follow_up: 0 } });
  });

  it('does not match words inside other words', () => {
    expect(classifyIntent('I recall the meetup was fun').intent).toBe('other');
  });

  it('resolves ties in the documented order (meeting_request, lead_inquiry, follow_up)', () => {
    const tie = classifyIntent('demo pricing');
    expect(tie.scores.meeting_request).toBe(tie.scores.lead_inquiry);
    expect(tie.intent).toBe('meeting_request');
    const tie2 = classifyIntent('pricing - following up');
    expect(tie2.scores.lead_inquiry).toBe(tie2.scores.follow_up);
    expect(tie2.intent).toBe('lead_inquiry');
  });

  it('is deterministic', async () => {
    const input = { text: 'Following up: can we book a demo and talk pricing?' };
    expect(await intentAgent.run(agentContext(), input)).toEqual(await intentAgent.run(agentContext(), input));
  });
});
