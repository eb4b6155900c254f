import type { ProductLimits } from '../../../shared/ipc/sale-schemas.ts';
import type { Logger } from '../log/logger.ts';
import { flattenPaymentMethods } from '../sequra/responses.ts';
import type { SequraClient } from '../sequra/client.ts';

// The merchant's financing products and their amount limits (`GET /merchants/{id}/payment_methods`), kept in
// main so the cart step can say "no product fits this amount" before any order exists at SeQura. Fetched at
// start and refreshed when older than an hour; when SeQura cannot be asked, the last list stays in use (the
// limits change rarely, and the order's own product list is still the final word).

const MAX_AGE_MS = 3600_000;

export class MerchantProducts {
  private cached: ProductLimits | null = null;
  private inFlight: Promise<ProductLimits | null> | null = null;

  constructor(
    private readonly deps: {
      client: Pick<SequraClient, 'getMerchantPaymentMethods'>;
      /** The store's own product list (machine configuration), or null for all of SeQura's. */
      allowedProducts: readonly string[] | null;
      clock: () => Date;
      log: Logger;
    },
  ) {}

  /** The cached list (refreshed in the background when stale), or a first fetch; null when never known. */
  async limits(): Promise<ProductLimits | null> {
    const age = this.cached ? this.deps.clock().getTime() - Date.parse(this.cached.fetchedAt) : Infinity;
    if (this.cached && age < MAX_AGE_MS) return this.cached;
    const refresh = this.refresh();
    return this.cached ?? refresh;
  }

  refresh(): Promise<ProductLimits | null> {
    this.inFlight ??= this.fetch().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetch(): Promise<ProductLimits | null> {
    try {
      const methods = flattenPaymentMethods(await this.deps.client.getMerchantPaymentMethods());
      const allowed = this.deps.allowedProducts;
      this.cached = {
        fetchedAt: this.deps.clock().toISOString(),
        products: methods
          .filter((method) => !allowed || allowed.includes(method.product))
          .map((method) => ({
            product: method.product,
            campaign: method.campaign ?? null,
            title: method.title,
            minAmountCents: method.min_amount ?? null,
            maxAmountCents: method.max_amount ?? null,
          })),
      };
    } catch (error) {
      this.deps.log.warn('merchant_products.unavailable', {
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
    return this.cached;
  }
}
