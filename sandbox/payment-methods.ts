// The products the sandbox merchants offer (sequra-api.md §5.1) and the payment-methods responses (sequra-api.md §2.8).
// Titles, categories, campaign "temporary" and the pp5/pp3 minimums come from SeQura's recorded fixtures;
// the maximums and the sp1 limits are sandbox defaults (SeQura does not publish them).
import { formatEuros } from './money.ts';

export type ProductCode = 'i1' | 'pp5' | 'sp1' | 'pp3';

interface Cost {
  setup_fee: number;
  instalment_fee: number;
  down_payment_fees: number;
  instalment_total: number;
}

export interface SandboxProduct {
  product: ProductCode;
  campaign: string | null;
  category: 'pay_later' | 'part_payment';
  title: string;
  longTitle: string;
  claim: string | null;
  description: string;
  cost: Cost;
  costDescription: string;
  minAmount: number;
  maxAmount: number;
  /** Instalments the shopper pays, used to show "x €/mes" in order-specific titles. */
  instalments: number;
}

const NO_COST: Cost = { setup_fee: 0, instalment_fee: 0, down_payment_fees: 0, instalment_total: 0 };

export const SANDBOX_PRODUCTS: readonly SandboxProduct[] = [
  {
    product: 'i1',
    campaign: null,
    category: 'pay_later',
    title: 'Paga Después',
    longTitle: 'Paga después. 7 días desde el envío',
    claim: 'Sin coste adicional',
    description:
      'Compra ahora, recibe primero y paga después. Cuando tu pedido salga de la tienda tendrás 7 días para realizar el pago.',
    cost: NO_COST,
    costDescription: 'sin coste adicional',
    minAmount: 0,
    maxAmount: 150_000,
    instalments: 1,
  },
  {
    product: 'pp5',
    campaign: 'temporary',
    category: 'pay_later',
    title: 'Paga el mes que viene',
    longTitle: 'Paga el mes que viene',
    claim: null,
    description: 'Paga tu compra el mes que viene, en un solo pago.',
    cost: { setup_fee: 295, instalment_fee: 0, down_payment_fees: 0, instalment_total: 0 },
    costDescription: '+ 2,95 €',
    minAmount: 1_500,
    maxAmount: 150_000,
    instalments: 1,
  },
  {
    product: 'sp1',
    campaign: null,
    category: 'part_payment',
    title: 'Divide en 3',
    longTitle: 'Divide tu pago en 3, sin intereses',
    claim: 'sin intereses',
    description: 'Paga hoy la primera parte con tarjeta y el resto en los dos meses siguientes.',
    cost: NO_COST,
    costDescription: 'sin coste adicional',
    minAmount: 3_000,
    maxAmount: 200_000,
    instalments: 3,
  },
  {
    product: 'pp3',
    campaign: null,
    category: 'part_payment',
    title: 'Paga Fraccionado',
    longTitle: 'Desde 0,00 €/mes o en 3 plazos sin coste',
    claim: 'o en 3 plazos sin coste',
    description: 'Elige el plan de pago que prefieras. Solo con tu número de DNI/NIE, móvil y tarjeta.',
    cost: NO_COST,
    costDescription: 'sin coste adicional',
    minAmount: 5_000,
    maxAmount: 300_000,
    instalments: 12,
  },
];

const PRODUCTS_BY_CODE = new Map<string, SandboxProduct>(SANDBOX_PRODUCTS.map((product) => [product.product, product]));

export function findProduct(code: string): SandboxProduct | undefined {
  return PRODUCTS_BY_CODE.get(code);
}

export function amountWithinLimits(product: SandboxProduct, amount: number): boolean {
  return amount >= product.minAmount && amount <= product.maxAmount;
}

const OPTION_HEADERS = {
  pay_later: { title: 'Paga Después', description: 'Confirma la compra con tus datos personales' },
  part_payment: { title: 'Paga Fraccionado', description: 'Hoy solo pagas la primera cuota' },
} as const;

// SeQura's window for always-on products in its fixtures.
const STARTS_AT = '2000-02-22T21:22:00Z';
const ENDS_AT = '2222-02-22T21:22:00Z';

function titlesFor(product: SandboxProduct, orderTotal: number | null): { title: string; longTitle: string } {
  if (orderTotal === null || product.instalments === 1) return { title: product.title, longTitle: product.longTitle };
  const perInstalment = formatEuros(Math.ceil(orderTotal / product.instalments));
  if (product.product === 'pp3')
    return { title: `Desde ${perInstalment}/mes`, longTitle: `Desde ${perInstalment}/mes o en 3 plazos sin coste` };
  return { title: `Divide en 3 partes de ${perInstalment}`, longTitle: product.longTitle };
}

function methodJson(product: SandboxProduct, orderTotal: number | null) {
  const { title, longTitle } = titlesFor(product, orderTotal);
  return {
    product: product.product,
    campaign: product.campaign,
    title,
    long_title: longTitle,
    claim: product.claim,
    description: product.description,
    icon: null,
    cost: product.cost,
    cost_description: product.costDescription,
    starts_at: STARTS_AT,
    ends_at: ENDS_AT,
    widget: null,
    info_widget: null,
    min_amount: product.minAmount,
    max_amount: product.maxAmount,
  };
}

function paymentOptions(products: readonly SandboxProduct[], orderTotal: number | null) {
  const categories = ['pay_later', 'part_payment'] as const;
  return {
    payment_options: categories
      .map((category) => ({
        title: OPTION_HEADERS[category].title,
        description: OPTION_HEADERS[category].description,
        icon: null,
        category,
        methods: products
          .filter((product) => product.category === category)
          .map((product) => methodJson(product, orderTotal)),
      }))
      .filter((option) => option.methods.length > 0),
  };
}

/** GET /merchants/{id}/payment_methods: everything the merchant's contract offers. */
export function merchantPaymentMethods() {
  return paymentOptions(SANDBOX_PRODUCTS, null);
}

/** GET /orders/{uuid}/payment_methods: only what this order's amount qualifies for (sequra-api.md §2.8). */
export function orderPaymentMethods(orderTotal: number) {
  return paymentOptions(
    SANDBOX_PRODUCTS.filter((product) => amountWithinLimits(product, orderTotal)),
    orderTotal,
  );
}
