// Media pressure: a record of which campaign contacted a person when, so destinations can cap the frequency.
import type { FieldValue } from '../destination.js';
import type { CampaignDefinition } from './config.js';
import { holdoutField } from './control-group.js';
import { DAY_MS } from './orders.js';

export interface CampaignContact {
  campaign: string;
  /** Destination instance the contact was pushed to. */
  instance: string;
  at: string;
}

export function contactsField(windowDays: number): string {
  return `contactsLast${windowDays}Days`;
}

export function contactsWithin(contacts: readonly CampaignContact[], now: Date, windowDays: number): number {
  const since = now.getTime() - windowDays * DAY_MS;
  return contacts.filter((c) => Date.parse(c.at) > since && Date.parse(c.at) <= now.getTime()).length;
}

/**
 * Campaigns this push starts for the person: the trigger field turns truthy compared with what the destination has,
 * and the person is not in the campaign's holdout.
 */
export function triggeredCampaigns(
  campaigns: readonly CampaignDefinition[],
  last: Record<string, FieldValue> | undefined,
  outgoing: Record<string, FieldValue>,
): string[] {
  return campaigns
    .filter(
      (c) => c.trigger !== undefined && truthy(outgoing[c.trigger]) && !truthy(last?.[c.trigger]) && outgoing[holdoutField(c.id)] !== true,
    )
    .map((c) => c.id);
}

function truthy(value: FieldValue | undefined): boolean {
  return value !== undefined && value !== null && value !== false && value !== '' && value !== 0;
}
