// The virtual shopper phone: what the customer would see on their own mobile after the cashier sends the SMS.
// Plain server-rendered HTML with forms and a stylesheet, no scripts, so it runs under a strict CSP and in any
// embedded browser. Waiting screens offer an "Actualizar" link instead of refreshing by themselves: a page that
// reloads on a timer moves a screen reader's focus and can't be paused (no <meta http-equiv="refresh">).
import type { RequestContext, SandboxRuntime } from './context.ts';
import { decodeSegment } from './context.ts';
import {
  htmlResponse,
  isRecord,
  notFoundResponse,
  parseFormBody,
  redirectResponse,
  textResponse,
  type SandboxResponse,
} from './http-io.ts';
import { formatEuros } from './money.ts';
import { findProduct } from './payment-methods.ts';
import { SHOPPER_OUTCOMES, type OrderState, type SandboxOrder, type ShopperOutcome } from './state.ts';
import { shopperPhone, spanishMobileDigits } from './validation.ts';

const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

const STATE_LABELS: Record<OrderState, string> = {
  solicited: 'Pendiente del cliente',
  approved: 'Aprobado, pendiente de confirmación',
  needs_review: 'En revisión',
  on_hold: 'En espera (revisión)',
  confirmed: 'Confirmado',
  rejected: 'Rechazado',
  expired: 'Caducado',
  cancelled: 'Cancelado',
  shipped: 'Entregado',
};

const SHORT_STATE_LABELS: Record<OrderState, string> = {
  solicited: 'Pendiente',
  approved: 'Aprobado',
  needs_review: 'En revisión',
  on_hold: 'En espera',
  confirmed: 'Confirmado',
  rejected: 'Rechazado',
  expired: 'Caducado',
  cancelled: 'Cancelado',
  shipped: 'Entregado',
};

const SANDBOX_CARD = '4716 7730 7733 9777';

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function clock(iso: string): string {
  return iso.slice(11, 16);
}

/** `waiting`: the screen changes when something happens elsewhere; the shopper checks with "Actualizar". */
function page(title: string, body: string, waiting: number | null): SandboxResponse {
  const refresh =
    waiting === null
      ? ''
      : `\n    <p class="refresh"><a class="button" href="" data-testid="phone-refresh">Actualizar</a></p>`;
  const html = `<!DOCTYPE html>
<html lang="es">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <title>${escapeHtml(title)} · Móvil del cliente (sandbox seQura)</title>
  <link rel="stylesheet" href="/phone/assets/phone.css">
</head>
<body>
  <main class="phone" aria-label="Móvil del cliente">
    <div class="status-bar"><span>seQura sandbox</span><span class="notch"></span><span>5G ▮▮▮</span></div>
${body}${refresh}
  </main>
  <footer><p class="training-note">Pantalla de formación: simula el móvil del cliente. En una venta real, solo el cliente rellena el formulario en su propio móvil.</p></footer>
</body>
</html>
`;
  return htmlResponse(200, html, PAGE_HEADERS);
}

function customerName(order: SandboxOrder): string {
  const customer = isRecord(order.payload.customer) ? order.payload.customer : {};
  const name = [customer.given_names, customer.surnames]
    .filter((part) => typeof part === 'string' && part !== '')
    .join(' ');
  return name || 'Cliente';
}

function maskedNin(order: SandboxOrder): string | null {
  const customer = isRecord(order.payload.customer) ? order.payload.customer : {};
  return typeof customer.nin === 'string' && customer.nin.length > 3 ? `•••••${customer.nin.slice(-4)}` : null;
}

function maskedPhone(phone: string): string {
  const digits = spanishMobileDigits(phone);
  return digits ? `••• ••• ${digits.slice(-3)}` : phone;
}

/** SeQura's sandbox OTP: the last 5 digits of the number the SMS went to. */
function otpFor(order: SandboxOrder): string | null {
  const phone = order.sms.at(-1)?.to ?? shopperPhone(order.payload);
  const digits = phone === null ? null : spanishMobileDigits(phone);
  return digits === null ? null : digits.slice(-5);
}

function productTitle(order: SandboxOrder): string {
  return order.productCode ? (findProduct(order.productCode)?.title ?? order.productCode) : 'seQura';
}

function appHeader(title: string): string {
  return `    <header class="app-header"><span class="logo">seQura</span><span class="app-title">${escapeHtml(title)}</span></header>`;
}

function summaryCard(order: SandboxOrder): string {
  const nin = maskedNin(order);
  return `      <dl class="summary">
        <div><dt>Tienda</dt><dd>${escapeHtml(order.merchantId)}</dd></div>
        <div><dt>Importe</dt><dd class="amount">${escapeHtml(formatEuros(order.totalWithTax))}</dd></div>
        <div><dt>Forma de pago</dt><dd>${escapeHtml(productTitle(order))}</dd></div>
        <div><dt>Cliente</dt><dd>${escapeHtml(customerName(order))}${nin ? ` · ${escapeHtml(nin)}` : ''}</dd></div>
      </dl>`;
}

function outcomeScreen(kind: 'ok' | 'wait' | 'bad', heading: string, lines: string[], order: SandboxOrder): string {
  const icon = kind === 'ok' ? '✓' : kind === 'wait' ? '⏳' : '✕';
  return `${appHeader(productTitle(order))}
    <section class="screen result ${kind}">
      <div class="result-icon" aria-hidden="true">${icon}</div>
      <h1>${escapeHtml(heading)}</h1>
${lines.map((line) => `      <p>${escapeHtml(line)}</p>`).join('\n')}
${summaryCard(order)}
    </section>`;
}

function smsInbox(order: SandboxOrder): string {
  const bubbles = order.sms
    .map(
      (sms) => `      <article class="sms">
        <p>${escapeHtml(sms.text.slice(0, sms.text.lastIndexOf(sms.link)))}<a href="${escapeHtml(sms.link)}">${escapeHtml(sms.link)}</a></p>
        <time>${clock(sms.at)}</time>
      </article>`,
    )
    .join('\n');
  const latest = order.sms[order.sms.length - 1]!;
  return `    <header class="app-header messages"><span class="contact-avatar">sQ</span><span class="app-title">seQura<small>${escapeHtml(maskedPhone(latest.to))}</small></span></header>
    <section class="screen inbox">
      <h1 class="visually-hidden">Mensajes de seQura</h1>
${bubbles}
      <a class="button primary" href="${escapeHtml(latest.link)}">Abrir el enlace</a>
    </section>`;
}

function otpScreen(order: SandboxOrder, error: string | null): string {
  const otp = otpFor(order);
  const phone = order.sms.at(-1)?.to ?? null;
  return `${appHeader(productTitle(order))}
    <section class="screen">
      <h1>Confirma que eres tú</h1>
${summaryCard(order)}
      <form method="post" action="/phone/${order.uuid}/otp" class="otp-form">
        <label for="otp">Te hemos enviado un código de 5 cifras al ${escapeHtml(phone ? maskedPhone(phone) : 'móvil')}</label>
        <input id="otp" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{5}" maxlength="5" required placeholder="•••••" autofocus>
${error ? `        <p class="error" role="alert">${escapeHtml(error)}</p>\n` : ''}        <p class="hint">Sandbox: el código son las 5 últimas cifras del móvil${otp ? ` (<strong>${otp}</strong>)` : ''}.</p>
        <button type="submit" class="button primary">Continuar</button>
      </form>
      <form method="post" action="/phone/${order.uuid}/decision">
        <button type="submit" name="outcome" value="abandon" class="button link">Salir sin terminar</button>
      </form>
    </section>`;
}

function decisionScreen(order: SandboxOrder, error: string | null): string {
  const needsCard = order.productCode === 'pp3' || order.productCode === 'sp1';
  const card = needsCard
    ? `      <p class="card-note">Primer pago con la tarjeta de pruebas <strong>${SANDBOX_CARD}</strong> · caducidad 12/30 · aceptado.</p>\n`
    : '';
  return `${appHeader(productTitle(order))}
    <section class="screen">
      <h1>Datos verificados</h1>
${summaryCard(order)}
${card}      <h2>¿Qué responde seQura? <small>(simulación)</small></h2>
${error ? `      <p class="error" role="alert">${escapeHtml(error)}</p>\n` : ''}      <form method="post" action="/phone/${order.uuid}/decision" class="decisions">
        <button type="submit" name="outcome" value="approve" class="button primary">Aprobar</button>
        <button type="submit" name="outcome" value="review_approve" class="button">Enviar a revisión · se aprobará</button>
        <button type="submit" name="outcome" value="review_cancel" class="button">Enviar a revisión · se cancelará</button>
        <button type="submit" name="outcome" value="reject" class="button danger">Rechazar</button>
        <button type="submit" name="outcome" value="abandon" class="button link">Abandonar</button>
      </form>
      <p class="hint">Los nombres de prueba «Review Test Approve» y «Review Test Cancel» pasan siempre por revisión al aprobar.</p>
    </section>`;
}

const ERROR_TEXTS: Record<string, string> = {
  otp: 'El código no es correcto. Revísalo e inténtalo de nuevo.',
  state: 'Esta solicitud ya no admite cambios.',
  outcome: 'Opción no válida.',
};

function orderScreen(order: SandboxOrder, errorKey: string | null, nowMs: number): SandboxResponse {
  const error = errorKey === null ? null : (ERROR_TEXTS[errorKey] ?? null);
  const reviewSeconds = order.review ? Math.max(1, Math.ceil((order.review.resolvesAtMs - nowMs) / 1000)) : 1;
  switch (order.state) {
    case 'solicited':
      if (order.sms.length === 0) {
        return page(
          'Esperando SMS',
          `${appHeader('Mensajes')}
    <section class="screen waiting">
      <div class="spinner" aria-hidden="true"></div>
      <h1>Esperando el SMS de la tienda…</h1>
      <p>Cuando el cajero envíe el enlace de pago, el mensaje aparecerá aquí.</p>
    </section>`,
          2,
        );
      }
      if (order.otpVerified) return page('Decisión', decisionScreen(order, error), null);
      if (order.formOpened) return page('Código', otpScreen(order, error), null);
      return page('SMS', smsInbox(order), 5);
    case 'approved':
      return page(
        'Aprobado',
        outcomeScreen(
          'ok',
          'Aprobado, pendiente de confirmación',
          ['Enséñale esta pantalla al cajero: la compra se completa cuando la tienda la confirme.'],
          order,
        ),
        3,
      );
    case 'needs_review':
    case 'on_hold':
      return page(
        'En revisión',
        outcomeScreen(
          'wait',
          'Estamos revisando tu solicitud',
          [`Tendrás la respuesta en unos ${reviewSeconds} s: pulsa «Actualizar» para verla.`],
          order,
        ),
        1,
      );
    case 'confirmed':
    case 'shipped':
      return page(
        'Confirmada',
        outcomeScreen(
          'ok',
          '¡Compra confirmada!',
          ['La tienda ha confirmado tu compra. Recibirás por email las condiciones de pago.'],
          order,
        ),
        null,
      );
    case 'rejected':
      return page(
        'Rechazada',
        outcomeScreen(
          'bad',
          'No hemos podido aprobar tu solicitud',
          ['Puedes pagar en la tienda con otro medio de pago.'],
          order,
        ),
        null,
      );
    case 'cancelled':
      return page(
        'Cancelada',
        outcomeScreen('bad', 'Solicitud cancelada', ['Esta compra con seQura se ha cancelado.'], order),
        null,
      );
    case 'expired':
      return page(
        'Caducada',
        outcomeScreen(
          'bad',
          'El enlace ha caducado',
          ['Pide al cajero que empiece de nuevo la venta con seQura.'],
          order,
        ),
        null,
      );
  }
}

function phoneIndex(runtime: SandboxRuntime, nowMs: number): SandboxResponse {
  const orders = runtime.store
    .list(nowMs)
    .sort((a, b) => b.createdAtMs - a.createdAtMs)
    .slice(0, 50);
  const rows = orders.length
    ? orders
        .map(
          (order) => `        <li><a href="/phone/${order.uuid}">
          <span class="row-amount">${escapeHtml(formatEuros(order.totalWithTax))}</span>
          <span class="row-meta">${escapeHtml(customerName(order))} · ${escapeHtml(order.merchantId)} · ${clock(new Date(order.createdAtMs).toISOString())} UTC</span>
          <span class="badge state-${order.state}" title="${escapeHtml(STATE_LABELS[order.state])}">${escapeHtml(SHORT_STATE_LABELS[order.state])}</span>
        </a></li>`,
        )
        .join('\n')
    : '        <li class="empty">Todavía no hay solicitudes. Empieza una venta con seQura en la caja.</li>';
  return page(
    'Solicitudes',
    `${appHeader('Sandbox')}
    <section class="screen">
      <h1>Solicitudes recientes</h1>
      <ul class="order-list">
${rows}
      </ul>
    </section>`,
    3,
  );
}

function landingPage(runtime: SandboxRuntime): SandboxResponse {
  return page(
    'Sandbox',
    `${appHeader('Sandbox local')}
    <section class="screen">
      <h1>Sandbox de seQura</h1>
      <p>API de comercio en <code>${escapeHtml(runtime.baseUrl)}</code> (usuario <code>${escapeHtml(runtime.settings.username)}</code>).</p>
      <a class="button primary" href="/phone">Ver el móvil del cliente</a>
      <a class="button" href="/__sandbox/config">Configuración (JSON)</a>
      <a class="button" href="/__sandbox/orders">Pedidos (JSON)</a>
    </section>`,
    null,
  );
}

function phoneRedirect(runtime: SandboxRuntime, uuid: string, error?: string): SandboxResponse {
  return redirectResponse(`${runtime.baseUrl}/phone/${uuid}${error ? `?error=${error}` : ''}`);
}

function verifyOtp(runtime: SandboxRuntime, ctx: RequestContext, order: SandboxOrder): SandboxResponse {
  const form = parseFormBody(ctx.headers, ctx.body);
  if (order.state !== 'solicited' || order.sms.length === 0) return phoneRedirect(runtime, order.uuid, 'state');
  const code = (form?.get('code') ?? '').replace(/\s/g, '');
  const expected = otpFor(order);
  if (expected === null || code !== expected) return phoneRedirect(runtime, order.uuid, 'otp');
  runtime.store.markOtpVerified(order);
  return phoneRedirect(runtime, order.uuid);
}

function decide(runtime: SandboxRuntime, ctx: RequestContext, order: SandboxOrder): SandboxResponse {
  const form = parseFormBody(ctx.headers, ctx.body);
  const outcome = form?.get('outcome') ?? '';
  if (!(SHOPPER_OUTCOMES as readonly string[]).includes(outcome)) return phoneRedirect(runtime, order.uuid, 'outcome');
  // Only abandoning is possible before the shopper proves the phone is theirs.
  if (outcome !== 'abandon' && !order.otpVerified) return phoneRedirect(runtime, order.uuid, 'state');
  const result = runtime.store.applyShopperOutcome(order, outcome as ShopperOutcome, ctx.nowMs);
  return phoneRedirect(runtime, order.uuid, result.ok ? undefined : 'state');
}

/** Routes under /phone, plus the SMS link target /orders/{uuid}/pumbaa_form and the landing page. */
export function handlePhoneRequest(runtime: SandboxRuntime, ctx: RequestContext): SandboxResponse {
  const [first, second, third] = ctx.segments;
  const method = ctx.method;
  if (ctx.segments.length === 1 && first === '' && method === 'GET') return landingPage(runtime);
  if (ctx.segments.length === 1 && first === 'favicon.ico') return { status: 204, headers: {}, body: '' };
  if (first === 'assets' && second === 'sequra_form-sandbox.js' && method === 'GET') {
    return textResponse(200, SEQURA_FORM_LOADER, 'text/javascript; charset=utf-8');
  }
  if (first === 'orders' && third === 'pumbaa_form' && method === 'GET' && second !== undefined) {
    const order = runtime.store.get(decodeSegment(second) ?? '', ctx.nowMs);
    if (!order) return notFoundResponse();
    runtime.store.markFormOpened(order);
    return redirectResponse(`${runtime.baseUrl}/phone/${order.uuid}`, 302);
  }
  if (first !== 'phone') return notFoundResponse();
  if (ctx.segments.length === 1 || (ctx.segments.length === 2 && second === '')) {
    return method === 'GET' ? phoneIndex(runtime, ctx.nowMs) : notFoundResponse();
  }
  if (second === 'assets' && third === 'phone.css' && method === 'GET') {
    return textResponse(200, PHONE_CSS, 'text/css; charset=utf-8', { 'Cache-Control': 'max-age=60' });
  }
  const order = runtime.store.get(decodeSegment(second ?? '') ?? '', ctx.nowMs);
  if (!order) {
    return {
      ...page(
        'No encontrado',
        `${appHeader('seQura')}\n    <section class="screen result bad"><h1>Solicitud no encontrada</h1><p>Revisa el enlace o vuelve a la <a href="/phone">lista de solicitudes</a>.</p></section>`,
        null,
      ),
      status: 404,
    };
  }
  if (ctx.segments.length === 2 && method === 'GET')
    return orderScreen(order, new URLSearchParams(ctx.query).get('error'), ctx.nowMs);
  if (ctx.segments.length === 3 && method === 'POST' && third === 'otp') return verifyOtp(runtime, ctx, order);
  if (ctx.segments.length === 3 && method === 'POST' && third === 'decision') return decide(runtime, ctx, order);
  return notFoundResponse();
}

// Stand-in for SeQura's form loader referenced by the form_v2 snippet: shows the iframe the snippet embeds.
const SEQURA_FORM_LOADER = `(function () {
  var id = window.SequraFormElement;
  var frame = id && document.getElementById(id);
  if (frame) frame.style.display = 'block';
})();
`;

const PHONE_CSS = `*{box-sizing:border-box}
html{background:#e9eef2;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1c2430}
body{margin:0;padding:24px 12px;display:flex;flex-direction:column;align-items:center;min-height:100vh}
.phone{width:100%;max-width:380px;min-height:720px;background:#fff;border-radius:36px;border:10px solid #1c2430;box-shadow:0 20px 50px rgba(28,36,48,.25);overflow:hidden;display:flex;flex-direction:column}
.status-bar{display:flex;justify-content:space-between;align-items:center;padding:8px 18px;font-size:12px;font-weight:600;background:#1c2430;color:#fff}
.notch{width:70px;height:14px;border-radius:8px;background:#000}
.app-header{display:flex;align-items:center;gap:10px;padding:14px 18px;border-bottom:1px solid #e5e9ee;background:#fafbfc}
.logo{font-weight:800;color:#00735f;font-size:20px;letter-spacing:-.5px}
.app-title{font-weight:600;font-size:15px;display:flex;flex-direction:column}
.app-title small{font-weight:400;color:#4f5a66;font-size:12px}
.contact-avatar{width:36px;height:36px;border-radius:50%;background:#00735f;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:14px}
.screen{padding:20px 18px;display:flex;flex-direction:column;gap:14px;flex:1}
h1{font-size:21px;margin:4px 0;line-height:1.25}
h2{font-size:16px;margin:8px 0 0}
h2 small{font-weight:400;color:#4f5a66}
p{margin:0;line-height:1.45}
code{background:#f0f3f6;border-radius:4px;padding:1px 4px;font-size:13px;word-break:break-all}
.summary{margin:0;border:1px solid #e5e9ee;border-radius:14px;padding:4px 14px}
.summary div{display:flex;justify-content:space-between;gap:12px;padding:9px 0;border-bottom:1px solid #f0f3f6}
.summary div:last-child{border-bottom:0}
.summary dt{color:#4f5a66;font-size:14px}
.summary dd{margin:0;font-weight:600;font-size:14px;text-align:right}
.summary .amount{font-size:18px;color:#00735f}
.inbox{background:#f3f5f7}
.sms{align-self:flex-start;max-width:88%;background:#fff;border-radius:18px 18px 18px 4px;padding:10px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.sms p{font-size:15px;word-break:break-word}
.sms a{color:#0a66c2}
.sms time{display:block;text-align:right;font-size:11px;color:#5f6b78;margin-top:4px}
.button{display:block;width:100%;text-align:center;padding:14px 16px;border-radius:14px;border:1px solid #cfd6de;background:#fff;color:#1c2430;font-size:16px;font-weight:600;text-decoration:none;cursor:pointer;font-family:inherit}
.button:focus-visible{outline:3px solid #7fd8ca;outline-offset:2px}
.button.primary{background:#00735f;border-color:#00735f;color:#fff}
.button.danger{color:#b3261e;border-color:#e8b4b0}
.button.link{border:0;background:transparent;color:#4f5a66;font-weight:500;padding:8px}
.decisions{display:flex;flex-direction:column;gap:10px}
.otp-form{display:flex;flex-direction:column;gap:10px}
.otp-form label{font-size:15px}
.otp-form input{font-size:28px;letter-spacing:12px;text-align:center;padding:12px;border:2px solid #cfd6de;border-radius:14px;font-family:inherit}
.otp-form input:focus{border-color:#00735f;outline:none}
.hint{font-size:13px;color:#4f5a66}
.error{color:#b3261e;font-weight:600;font-size:14px}
.card-note{font-size:14px;background:#f3f8f7;border-radius:12px;padding:10px 12px}
.result{align-items:stretch;text-align:center}
.result-icon{margin:18px auto 4px;width:84px;height:84px;border-radius:50%;display:flex;align-items:center;justify-content:center;font-size:42px;color:#fff;background:#00735f}
.result.wait .result-icon{background:#f0a500}
.result.bad .result-icon{background:#b3261e}
.result .summary{text-align:left}
.waiting{align-items:center;justify-content:center;text-align:center}
.spinner{width:44px;height:44px;border-radius:50%;border:4px solid #d7efe9;border-top-color:#00735f;animation:spin 1s linear infinite}
@keyframes spin{to{transform:rotate(360deg)}}
.order-list{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:8px}
.order-list a{display:grid;grid-template-columns:1fr auto;gap:2px 8px;padding:12px 14px;border:1px solid #e5e9ee;border-radius:14px;text-decoration:none;color:inherit}
.row-amount{font-weight:700}
.row-meta{grid-column:1;font-size:12px;color:#4f5a66}
.badge{grid-column:2;grid-row:1/3;align-self:center;white-space:nowrap;font-size:12px;font-weight:600;padding:4px 8px;border-radius:999px;background:#eef1f4}
.state-approved,.state-confirmed,.state-shipped{background:#d9f3ee;color:#00735f}
.state-needs_review,.state-on_hold{background:#fdf0d2;color:#8a5a00}
.state-rejected,.state-cancelled,.state-expired{background:#fbe3e1;color:#8c1d18}
.empty{color:#4f5a66;text-align:center;padding:24px 0}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.refresh{margin:12px 18px 18px}
.training-note{max-width:380px;font-size:12px;color:#454f5b;text-align:center;margin:16px 0 0}
@media (max-width:420px){body{padding:0}.phone{border:0;border-radius:0;min-height:100vh;box-shadow:none}.training-note{padding:0 12px 16px}}
`;
