import type { FlowsConfig } from '../config/flows-config-schema.js';
import type { EndpointRegistration } from '../ingress/webhooks/endpoint-registration.js';
import type { FlowDefinition } from './flow-definition.js';

/** Endpoint and route ids the lead flow installs (docs/leads.md). */
export const leadsFlowIds = {
  whatsappEndpoint: 'whatsapp',
  calendlyEndpoint: 'calendly',
  messageRoute: 'whatsapp-lead',
  inviteeRoute: 'calendly-invitee',
} as const;

/** The first message of a WhatsApp Cloud API webhook (one message per webhook, as Meta sends them). */
const value = 'event.data.entry[0].changes[0].value';

/**
 * Seed 003 as a flow. `POST /webhooks/whatsapp` (Meta-signed; `GET` answers the subscription
 * check): a text message → the intent agent → the lead stored → for a meeting request, a
 * single-use Calendly link with the user's own token (a fallback link, `fallback: true`, when
 * Calendly is not configured or failing) → a WhatsApp reply with the link → the lead marked
 * link_sent. `POST /webhooks/calendly` (Calendly-signed): invitee.created / invitee.canceled move the
 * lead to scheduled / canceled and count the user's meetings.
 */
export function leadsFlow(settings: FlowsConfig['leads']): FlowDefinition {
  if (settings.whatsapp_app_secret === undefined) return { problem: 'flows.leads.whatsapp_app_secret (WHATSAPP_APP_SECRET) is required when flows.leads.enabled is true' };
  if (settings.calendly_signing_key === undefined) return { problem: 'flows.leads.calendly_signing_key (CALENDLY_SIGNING_KEY) is required when flows.leads.enabled is true' };
  const retry = { max_attempts: settings.retry.max_attempts, base_delay_ms: settings.retry.base_delay_ms, max_delay_ms: settings.retry.max_delay_ms };
  const whatsapp: EndpointRegistration = {
    endpoint_id: leadsFlowIds.whatsappEndpoint,
    path: '/webhooks/whatsapp',
    verification: { scheme: 'meta' },
    secret: settings.whatsapp_app_secret,
    ...(settings.whatsapp_verify_token === undefined ? {} : { verify_token: settings.whatsapp_verify_token }),
    // Meta redelivers a message with the same id: one event per message.
    idempotency: { json_pointer: '/entry/0/changes/0/value/messages/0/id' },
    event_type: { json_pointer: '/entry/0/changes/0/field' },
  };
  const calendly: EndpointRegistration = {
    endpoint_id: leadsFlowIds.calendlyEndpoint,
    path: '/webhooks/calendly',
    verification: { scheme: 'calendly' },
    secret: settings.calendly_signing_key,
    events: ['invitee.*'],
  };
  const name = '($exists(steps.message.name) ? steps.message.name : "there")';
  const reply = `$replace($replace(${JSON.stringify(settings.reply_template)}, "{booking_url}", steps.link.booking_url), "{name}", ${name})`;
  return {
    endpoints: [whatsapp, calendly],
    routes: [
      {
        id: leadsFlowIds.messageRoute,
        description: 'Seed 003: a WhatsApp message; a meeting request gets a single-use Calendly link in the reply.',
        match: { source: leadsFlowIds.whatsappEndpoint, filter: `$exists(data.entry[0].changes[0].value.messages[0].text.body)` },
        steps: [
          {
            name: 'message',
            kind: 'transform',
            expression: `{"phone_number_id": ${value}.metadata.phone_number_id, "from": ${value}.messages[0].from, "name": ${value}.contacts[0].profile.name, "text": ${value}.messages[0].text.body}`,
          },
          { name: 'intent', kind: 'agent', agent: 'intent', with: { text: 'steps.message.text' } },
          {
            name: 'lead',
            kind: 'action',
            action: 'leads.record_message',
            with: { platform: '"whatsapp"', phone_number_id: 'steps.message.phone_number_id', contact: 'steps.message.from', name: 'steps.message.name', text: 'steps.message.text', intent: 'steps.intent.intent' },
          },
          {
            name: 'meeting_request',
            kind: 'branch',
            cases: [
              {
                when: 'steps.intent.intent = "meeting_request"',
                steps: [
                  { name: 'link', kind: 'action', action: 'calendly.create_scheduling_link', with: { user_id: 'steps.lead.user_id', lead_id: 'steps.lead.lead_id' } },
                  { name: 'reply', kind: 'action', action: 'whatsapp.send_message', with: { user_id: 'steps.lead.user_id', to: 'steps.message.from', text: reply, phone_number_id: 'steps.message.phone_number_id' }, retry },
                  { name: 'link_sent', kind: 'action', action: 'leads.link_sent', with: { lead_id: 'steps.lead.lead_id', booking_url: 'steps.link.booking_url', fallback: 'steps.link.fallback' } },
                ],
              },
            ],
          },
        ],
      },
      {
        id: leadsFlowIds.inviteeRoute,
        description: "Seed 003: Calendly's invitee events move the lead to scheduled or canceled.",
        match: { source: leadsFlowIds.calendlyEndpoint, type: 'invitee.*' },
        steps: [{ name: 'lead', kind: 'action', action: 'leads.calendly_event', with: { event: 'event.data.event', payload: 'event.data.payload' } }],
      },
    ],
  };
}
