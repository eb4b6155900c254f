import type { BrowserWindow } from 'electron';
import type { ReceiptPrintJob } from '../core/core-types.ts';
import { AppError } from '../core/errors.ts';

// Slips go to the till's receipt printer the way tills print: silently, on the configured device, sized to
// its roll (the renderer's print stylesheet lays the slip out for the same width). Electron's print API is
// callback-based; a printer that is off or out of paper comes back as a failure the cashier is told about.
const MICRONS_PER_MM = 1000;

export function receiptPrinter(getWindow: () => BrowserWindow | null): (job: ReceiptPrintJob) => Promise<void> {
  return (job) =>
    new Promise((resolve, reject) => {
      const win = getWindow();
      if (!win) return reject(new AppError('internal', 'No window to print from.'));
      win.webContents.print(
        {
          silent: true,
          deviceName: job.deviceName,
          copies: job.copies,
          printBackground: false,
          margins: { marginType: 'none' },
          pageSize: {
            width: job.paperWidthMm * MICRONS_PER_MM,
            height: Math.ceil(job.heightMm) * MICRONS_PER_MM,
          },
        },
        (success, failureReason) => {
          if (success) resolve();
          else
            reject(
              new AppError('internal', `The receipt printer did not print: ${failureReason}`, { retryable: true }),
            );
        },
      );
    });
}
