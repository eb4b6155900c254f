// A valid in-store order payload for the sandbox's merchant, shared by the sandbox tests, the bench and the docs.
// The shape follows sequra-api.md §3.10 (POS-flavoured): store and operator refs, the mobile in both addresses, no URLs.

export interface SampleOrderInput {
  merchantId?: string;
  cartRef?: string;
  orderRef1?: string;
  givenNames?: string;
  surnames?: string;
  mobilePhone?: string;
  /** Unit prices in cents; each line has quantity 1. Default one 120,00 € product. */
  lines?: number[];
}

export type JsonObject = Record<string, unknown>;

export function sampleItems(lines: number[]): JsonObject[] {
  return lines.map((cents, index) => ({
    type: 'product',
    reference: `SKU-${index + 1}`,
    name: `Artículo ${index + 1}`,
    price_with_tax: cents,
    quantity: 1,
    total_with_tax: cents,
    downloadable: false,
  }));
}

export function sampleCart(lines: number[], cartRef = 'sale-1#1'): JsonObject {
  return {
    currency: 'EUR',
    gift: false,
    order_total_with_tax: lines.reduce((sum, cents) => sum + cents, 0),
    cart_ref: cartRef,
    items: sampleItems(lines),
  };
}

export function emptyCart(): JsonObject {
  return { currency: 'EUR', order_total_with_tax: 0, items: [] };
}

function address(input: SampleOrderInput): JsonObject {
  return {
    given_names: input.givenNames ?? 'María José',
    surnames: input.surnames ?? 'García Pérez',
    company: '',
    address_line_1: 'Carrer de Pallars 123',
    address_line_2: '',
    postal_code: '08018',
    city: 'Barcelona',
    country_code: 'ES',
    mobile_phone: input.mobilePhone ?? '612 345 678',
  };
}

/** The `order` object (without the `{"order": ...}` wrapper). */
export function sampleOrder(input: SampleOrderInput = {}): JsonObject {
  const order: JsonObject = {
    state: '',
    merchant: { id: input.merchantId ?? 'pos_demo_es', store_ref: 'store-01', operator_ref: 'cashier-07' },
    cart: sampleCart(input.lines ?? [12_000], input.cartRef),
    delivery_method: { name: 'store', home_delivery: false },
    delivery_address: address(input),
    invoice_address: address(input),
    customer: {
      given_names: input.givenNames ?? 'María José',
      surnames: input.surnames ?? 'García Pérez',
      email: 'maria.jose@example.com',
      logged_in: 'unknown',
      language_code: 'es-ES',
      ip_number: '127.0.0.1',
      user_agent: 'sequra-pos/0.1.0',
      nin: '23232323T',
      nin_control: '15012018F2',
    },
    gui: { layout: 'desktop' },
    platform: { name: 'sequra-pos', version: '0.1.0', uname: 'till', db_name: 'sqlite', db_version: '3' },
  };
  if (input.orderRef1 !== undefined) order.merchant_reference = { order_ref_1: input.orderRef1 };
  return order;
}
