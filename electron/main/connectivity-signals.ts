import { net, powerMonitor } from 'electron';
import type { Logger } from '../core/log/logger.ts';

// Connectivity is "SeQura answered" (core/connectivity/monitor.ts), but the OS knows first when the till
// wakes from sleep or the network comes and goes. Either is a reason to probe SeQura now instead of
// waiting for the next slow interval. Main gets no network-change event from Electron, so the OS's own
// online flag is sampled; a change of that flag is only a hint, the probe decides.
const ONLINE_SAMPLE_MS = 5_000;

export function watchOsConnectivitySignals(nudge: () => void, log: Logger): () => void {
  const onResume = () => {
    log.info('os.resume', {});
    nudge();
  };
  powerMonitor.on('resume', onResume);

  let online = net.isOnline();
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now === online) return;
    online = now;
    log.info('os.network_changed', { online });
    nudge();
  }, ONLINE_SAMPLE_MS);
  // Never keeps the app alive on its own.
  timer.unref();

  return () => {
    powerMonitor.off('resume', onResume);
    clearInterval(timer);
  };
}
