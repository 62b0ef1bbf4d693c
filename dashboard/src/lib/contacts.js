// Contacts seen so far (from conversation rows and live events), so a list can name people
// without asking the server once per row.
import { store } from './store.js';
import { get } from './api.js';
import { subscribe } from './live.js';

export const contacts = store({});

export function remember(contact) {
  if (contact?.id) contacts.set((all) => ({ ...all, [contact.id]: { ...all[contact.id], ...contact } }));
}

subscribe((e) => remember(e.data?.contact));

let loaded = null;
/** Loads the newest contacts once (servers that do not embed them in conversation rows). */
export function loadContacts() {
  loaded ??= get('contacts?limit=100').then((page) => {
    for (const c of page.data ?? page.contacts ?? []) remember(c);
  }, () => { loaded = null; });
  return loaded;
}
