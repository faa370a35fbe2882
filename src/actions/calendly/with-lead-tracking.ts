/**
 * `bookingUrl` with `utm_source=switchboard&utm_content=<leadId>`: Calendly copies a booking
 * page's UTM parameters into the invitee's `tracking`, so the `invitee.created` and
 * `invitee.canceled` webhooks name the lead. Without a lead id the URL is returned unchanged.
 */
export function withLeadTracking(bookingUrl: string, leadId: string | undefined): string {
  if (leadId === undefined) return bookingUrl;
  const url = new URL(bookingUrl);
  url.searchParams.set('utm_source', 'switchboard');
  url.searchParams.set('utm_content', leadId);
  return url.toString();
}
