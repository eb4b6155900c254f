// Fault injection for SeQura endpoints (never the control API or the phone): latency, 5xx, 429, dropped
// connections before or after the request takes effect, a 5xx or a stalled body after it took effect, hung
// requests, and network partitions.
// Randomness comes from a seeded generator that restarts whenever faults are set, so a chaos run that sets
// faults and then replays the same request sequence sees the same faults.
import { z } from 'zod';

const rate = z.number().min(0).max(1);

const RATE_KEYS = [
  'reset_before_rate',
  'hang_rate',
  'error_rate',
  'rate_limit_rate',
  'reset_after_rate',
  'error_after_rate',
  'stall_after_rate',
] as const;

export const faultConfigSchema = z
  .strictObject({
    match: z
      .string()
      .regex(
        /^(?:(?:GET|POST|PUT|PATCH|DELETE)\s+)?\/\S*$/i,
        'must look like "PUT /orders" (optional method, then a path prefix; end with $ for an exact path)',
      )
      .optional(),
    latency_ms: z.int().min(0).max(600_000).optional(),
    error_rate: rate.optional(),
    rate_limit_rate: rate.optional(),
    retry_after_s: z.int().min(0).max(86_400).optional(),
    reset_before_rate: rate.optional(),
    reset_after_rate: rate.optional(),
    error_after_rate: rate.optional(),
    stall_after_rate: rate.optional(),
    hang_rate: rate.optional(),
    partition_s: z.number().positive().max(86_400).optional(),
  })
  .refine((config) => RATE_KEYS.reduce((sum, key) => sum + (config[key] ?? 0), 0) <= 1 + 1e-9, {
    message: 'the rates are fractions of the same requests, so together they cannot exceed 1',
  });

export type FaultConfig = z.infer<typeof faultConfigSchema>;

export type FaultAction =
  'none' | 'reset_before' | 'hang' | 'error' | 'rate_limit' | 'reset_after' | 'error_after' | 'stall_after';

export interface FaultDecision {
  latencyMs: number;
  action: FaultAction;
  retryAfterS: number;
  /** For `error_after`: what the gateway in front of SeQura answered (500, 502, 503 or 504). */
  errorStatus: number;
}

/** A 5xx after the request was applied comes from SeQura or from a proxy or gateway in front of it. */
const AFTER_APPLY_STATUSES = [500, 502, 503, 504] as const;

const DEFAULT_RETRY_AFTER_S = 1;

/** mulberry32: tiny, fast and good enough to spread faults; what matters here is reproducibility. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RequestMatcher {
  method: string | null;
  path: string;
  exact: boolean;
}

function parseMatch(match: string | undefined): RequestMatcher {
  if (match === undefined) return { method: null, path: '/', exact: false };
  const parts = match.trim().split(/\s+/);
  const [method, path] = parts.length === 2 ? [parts[0]!.toUpperCase(), parts[1]!] : [null, parts[0]!];
  return path.endsWith('$') ? { method, path: path.slice(0, -1), exact: true } : { method, path, exact: false };
}

export class FaultInjector {
  private config: FaultConfig | null = null;
  private matcher: RequestMatcher = parseMatch(undefined);
  private partitionUntilMs = 0;
  private random: () => number;

  constructor(private readonly seed: number) {
    this.random = seededRandom(seed);
  }

  set(config: FaultConfig, nowMs: number): void {
    this.config = config;
    this.matcher = parseMatch(config.match);
    this.partitionUntilMs = config.partition_s === undefined ? 0 : nowMs + config.partition_s * 1000;
    this.random = seededRandom(this.seed);
  }

  clear(): void {
    this.config = null;
    this.matcher = parseMatch(undefined);
    this.partitionUntilMs = 0;
    this.random = seededRandom(this.seed);
  }

  /** A partition cuts every SeQura connection regardless of `match`: it models the network, not an endpoint. */
  isPartitioned(nowMs: number): boolean {
    return nowMs < this.partitionUntilMs;
  }

  private matches(method: string, path: string): boolean {
    const { method: wantedMethod, path: wantedPath, exact } = this.matcher;
    if (wantedMethod !== null && wantedMethod !== method) return false;
    return exact ? path === wantedPath : path.startsWith(wantedPath);
  }

  /** Null when no fault applies, so the common path costs one comparison. */
  decide(method: string, path: string): FaultDecision | null {
    const config = this.config;
    if (config === null || !this.matches(method, path)) return null;
    const draw = this.random();
    let threshold = 0;
    let action: FaultAction = 'none';
    const actions: Record<(typeof RATE_KEYS)[number], FaultAction> = {
      reset_before_rate: 'reset_before',
      hang_rate: 'hang',
      error_rate: 'error',
      rate_limit_rate: 'rate_limit',
      reset_after_rate: 'reset_after',
      error_after_rate: 'error_after',
      stall_after_rate: 'stall_after',
    };
    for (const key of RATE_KEYS) {
      threshold += config[key] ?? 0;
      if (draw < threshold) {
        action = actions[key];
        break;
      }
    }
    const errorStatus =
      action === 'error_after' ? AFTER_APPLY_STATUSES[Math.floor(this.random() * AFTER_APPLY_STATUSES.length)]! : 500;
    return {
      latencyMs: config.latency_ms ?? 0,
      action,
      retryAfterS: config.retry_after_s ?? DEFAULT_RETRY_AFTER_S,
      errorStatus,
    };
  }

  view(nowMs: number): { faults: FaultConfig | null; partition_remaining_s: number } {
    return { faults: this.config, partition_remaining_s: Math.max(0, (this.partitionUntilMs - nowMs) / 1000) };
  }
}
