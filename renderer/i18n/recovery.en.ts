import type { recoveryEs } from './recovery.es.ts';

export const recoveryEn: Record<keyof typeof recoveryEs, string> = {
  'recovery.heading': 'Data files that could not be used were set aside',
  'recovery.lead':
    'When it started, the till found files it could not read. Nothing was deleted: each file was kept aside exactly as it was, and the till carries on with a new one.',
  'recovery.whatToDo':
    'Tell the store’s IT support and do not delete these files: they hold what is needed to recover them.',
  'recovery.file.journal': 'Sales journal',
  'recovery.file.outbox': 'Queue of calls to SeQura',
  'recovery.file.settings': 'Till settings',
  'recovery.file.history': 'Sales history of {month}',
  'recovery.file.other': 'File “{name}”',
  'recovery.reason.corrupt': 'The file was damaged or incomplete.',
  'recovery.reason.newer_version':
    'A newer version of the app wrote it. This version does not change it: reinstalling the newer version will use it again.',
  'recovery.effect.journal':
    'Sales that were in progress are not shown. Confirmations already queued keep going to SeQura, and ticket numbers continue above the ones already used.',
  'recovery.effect.outbox': 'Pending confirmations and handovers are queued again from the sales journal.',
  'recovery.effect.settings': 'The language and till settings are back to their initial values.',
  'recovery.effect.history': 'Finished sales of that month are not in the history until the file is recovered.',
  'recovery.savedAs': 'Kept as',
  'recovery.when': 'Set aside on',
  'recovery.detail': 'Technical detail',
  'recovery.acknowledge': 'Understood, continue',
  'database.heading.damaged': 'The till database is damaged: this till cannot sell',
  'database.heading.missing': 'The till database is missing: this till cannot sell',
  'database.lead.damaged':
    'When it started, the database failed its integrity check. It was not repaired or replaced: it was moved, exactly as it was, to the folder below. The sales, the confirmations still due to SeQura and the operators are in it.',
  'database.lead.missing':
    'This till had a database and it is no longer in its folder (deleted, or the folder was replaced). The till did not start an empty one in its place: it would look like a new till, and the sales, pending confirmations and operators would be lost without anyone noticing.',
  'database.keptAt': 'Kept in',
  'database.at': 'Found on',
  'database.lastTicket': 'Last known ticket',
  'database.detail': 'Technical detail',
  'database.cashier': 'Do not sell on this till. Tell the store’s IT support and do not delete any file.',
  'database.itHeading': 'For IT',
  'database.itRestore':
    'If there is a backup: close the app, copy till.db into the data folder and open the app again.',
  'database.itNew':
    'If there is none: create the file {file} with any text (such as the incident number) and open the app again. It starts an empty database that continues the ticket numbers above the last one; operators are created again as the IT guide says.',
};
