// The console's sections, in navigation order.
import { Inbox } from './inbox.js';
import { Calls } from './calls.js';
import { Escalations } from './escalations.js';
import { Leads } from './leads.js';
import { Bookings } from './bookings.js';
import { Listings } from './listings.js';
import { Tickets } from './tickets.js';
import { Knowledge } from './knowledge.js';
import { Approvals } from './approvals.js';
import { Analytics } from './analytics.js';
import { Audit } from './audit.js';
import { Settings } from './settings.js';
import { Onboarding } from './onboarding.js';
import { Team } from './team.js';

/** [page, label, level needed to see it in the menu] */
export const NAV = [
  ['inbox', 'Inbox'], ['calls', 'Calls'], ['escalations', 'Escalations'], ['leads', 'Leads'], ['bookings', 'Bookings'],
  ['listings', 'Listings'], ['tickets', 'Tickets'], ['knowledge', 'Knowledge'], ['approvals', 'Approvals'],
  ['analytics', 'Analytics'], ['audit', 'Audit log', 'admin'], ['settings', 'Settings'], ['team', 'Team & keys', 'admin'], ['onboarding', 'Set up & try it', 'admin'],
];

export const PAGES = {
  inbox: Inbox, calls: Calls, escalations: Escalations, leads: Leads, bookings: Bookings, listings: Listings, tickets: Tickets,
  knowledge: Knowledge, approvals: Approvals, analytics: Analytics, audit: Audit, settings: Settings, team: Team, onboarding: Onboarding,
};
