import type { SequraClient } from '../sequra/client.ts';
import { SequraError } from '../sequra/errors.ts';
import type { ConnectivityMonitor } from './monitor.ts';

// Every real SeQura call is also a connectivity reading: an HTTP answer of any status proves SeQura is
// there; a transport failure says it is not. The wrapper changes nothing else about the call.
export function withConnectivityReporting(client: SequraClient, monitor: ConnectivityMonitor): SequraClient {
  const wrap =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        const result = await call(...args);
        monitor.reportAnswered();
        return result;
      } catch (error) {
        if (error instanceof SequraError && error.status !== undefined) monitor.reportAnswered();
        else if (error instanceof SequraError && ['offline', 'timeout', 'unknown_outcome'].includes(error.kind)) {
          monitor.reportFailure(
            error.kind === 'offline' && isNoNetwork(error.networkCode),
            error.networkCode ?? error.kind,
          );
        }
        throw error;
      }
    };
  return {
    startSolicitation: wrap(client.startSolicitation.bind(client)),
    sendFormBySms: wrap(client.sendFormBySms.bind(client)),
    getOrderPaymentMethods: wrap(client.getOrderPaymentMethods.bind(client)),
    getMerchantPaymentMethods: wrap(client.getMerchantPaymentMethods.bind(client)),
    updateSolicitedOrder: wrap(client.updateSolicitedOrder.bind(client)),
    updateOrder: wrap(client.updateOrder.bind(client)),
    checkCredentials: wrap(client.checkCredentials.bind(client)),
  };
}

/** "Offline" is the till's own network being down; anything else is "SeQura unreachable". */
export function isNoNetwork(networkCode: string | undefined): boolean {
  return (
    !!networkCode &&
    /INTERNET_DISCONNECTED|NETWORK_CHANGED|ADDRESS_UNREACHABLE|ENETUNREACH|ENETDOWN|EAI_AGAIN|ENOTFOUND|NAME_NOT_RESOLVED/.test(
      networkCode,
    )
  );
}
