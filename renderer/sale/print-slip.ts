import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { IpcError } from '../../shared/ipc/result.ts';

// Printing a slip as tills do: main prints it silently on the configured receipt printer (the print
// stylesheet lays it out for the roll). Only when no printer is configured (and always in the browser
// preview) does the cashier get the system's print dialog.

const CSS_PX_PER_MM = 96 / 25.4;

/** The slip's printed height in millimetres at the roll's width (the print stylesheet's layout). */
function slipHeightMm(): number {
  const slip = document.querySelector<HTMLElement>('.slip');
  // A little feed after the text, so the cutter does not cut through the last line.
  return Math.max(40, Math.ceil((slip?.scrollHeight ?? 600) / CSS_PX_PER_MM) + 12);
}

/** Prints the slip on screen; the error when the receipt printer failed, else null. */
export async function printSlip(pos: PosApi): Promise<IpcError | null> {
  const result = await pos.print.receipt({ heightMm: slipHeightMm() });
  if (!result.ok) return result.error;
  if (!result.data.printed) window.print();
  return null;
}
