import { useEffect, useState } from 'react';
import type { ProductLimits } from '../../shared/ipc/sale-schemas.ts';
import type { PosApi } from '../../shared/ipc/pos-api.ts';
import type { BridgeState } from '../bridge/pos-client.ts';

/** The merchant's products and limits main keeps (null until known, or when SeQura never answered). */
export function useProductLimits(pos: PosApi, bridge: BridgeState): ProductLimits | null {
  const [limits, setLimits] = useState<ProductLimits | null>(null);
  useEffect(() => {
    if (bridge !== 'open') return;
    let live = true;
    void pos.sale.productLimits({}).then((result) => {
      if (live && result.ok) setLimits(result.data.limits);
    });
    return () => {
      live = false;
    };
  }, [pos, bridge]);
  return limits;
}
