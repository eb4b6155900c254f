import { isEventName, type EventName } from '../../../shared/ipc/channels.ts';
import { eventContract } from '../../../shared/ipc/contract.ts';

// Main → renderer events pass through their payload schema just as responses do in the dispatcher:
// zod objects drop keys they do not declare, so a field added to a core object by mistake (a secret, an
// internal id) never reaches the page; a payload that does not fit is not sent at all.
export type RendererEvent =
  { ok: true; event: EventName; payload: unknown } | { ok: false; reason: 'unknown_event' | 'invalid_payload' };

export function toRendererEvent(event: unknown, payload: unknown): RendererEvent {
  if (!isEventName(event)) return { ok: false, reason: 'unknown_event' };
  const parsed = eventContract[event].safeParse(payload);
  if (!parsed.success) return { ok: false, reason: 'invalid_payload' };
  return { ok: true, event, payload: parsed.data };
}
