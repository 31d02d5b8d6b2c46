// The Lumiku API from TypeScript: `paths` and `components` are generated from the OpenAPI
// document (src/schema.ts, `npm run generate`); the client is openapi-fetch's, with what a
// Lumiku client needs around it: the access token sent and refreshed, the tenant header, an
// Idempotency-Key for metered calls, and errors as typed exceptions.

import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, paths } from "./schema.js";

/** The error body every Lumiku error answers. */
export type ErrorDetail = components["schemas"]["ErrorDetail"];

/** The tokens of a session. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/** An error answer of the API, with its stable `code` and the request's id. */
export class LumikuError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | null;
  /** Per-field messages of a 422 `validation_failed`. */
  readonly fields: Record<string, string[]> | null;

  constructor(status: number, detail: ErrorDetail) {
    super(detail.message);
    this.name = "LumikuError";
    this.status = status;
    this.code = detail.code;
    this.requestId = detail.requestId ?? null;
    this.fields = (detail.fields as Record<string, string[]> | undefined) ?? null;
  }

  /** The error a failed response stands for: a 402 and a 429 as their own classes. */
  static from(status: number, body: unknown): LumikuError {
    const detail = (body as { error?: ErrorDetail } | undefined)?.error ?? {
      code: "http_" + status,
      message: `HTTP ${status}`,
    };
    if (status === 402) return new InsufficientCreditsError(detail);
    if (status === 429) return new RateLimitedError(detail);
    return new LumikuError(status, detail);
  }
}

/** 402: the tenant's wallet cannot pay for the action; nothing was done or charged. */
export class InsufficientCreditsError extends LumikuError {
  /** What the action costs. */
  readonly required: number;
  /** The tenant's balance. */
  readonly current: number;

  constructor(detail: ErrorDetail) {
    super(402, detail);
    this.name = "InsufficientCreditsError";
    this.required = detail.required ?? 0;
    this.current = detail.current ?? 0;
  }
}

/** 429: too many requests; try again after `retryAfter` seconds. */
export class RateLimitedError extends LumikuError {
  readonly retryAfter: number;

  constructor(detail: ErrorDetail) {
    super(429, detail);
    this.name = "RateLimitedError";
    this.retryAfter = detail.retryAfter ?? 1;
  }
}

/** A fresh `Idempotency-Key`: send the same one again to retry a metered call safely. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * The data of an openapi-fetch result, or its error thrown as a {@link LumikuError}.
 *
 * ```ts
 * const { items } = await unwrap(lumiku.api.GET("/api/tenants"));
 * ```
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw LumikuError.from(response.status, error);
  return data as T;
}

export interface LumikuOptions {
  /** The server, e.g. `https://lumiku.example.com`. */
  baseUrl: string;
  /** Tokens of an existing session, if any. */
  tokens?: Tokens;
  /** Called with each new pair of tokens (after login, register and every refresh), to keep them. */
  onTokens?: (tokens: Tokens | null) => void;
  /** The tenant to act for (`X-Tenant-Id`); default the user's personal tenant. */
  tenantId?: string;
  /**
   * A tenant API key (`lk_live_…`), for a server calling Lumiku: sent instead of a session's
   * access token and never refreshed; its tenant is the default.
   */
  apiKey?: string;
  /** The fetch to use (default the global one). */
  fetch?: typeof globalThis.fetch;
}

/** Paths that never carry the access token, nor refresh it on a 401. */
const ANONYMOUS = ["/api/auth/login", "/api/auth/register", "/api/auth/refresh"];

/** A Lumiku client: `api` is the typed client of every operation; the rest is the session. */
export class Lumiku {
  readonly api: Client<paths>;
  private tokens: Tokens | null;
  private refreshing: Promise<boolean> | null = null;
  private readonly options: LumikuOptions;
  private readonly baseFetch: typeof globalThis.fetch;
  tenantId: string | undefined;

  constructor(options: LumikuOptions) {
    this.options = options;
    this.tokens = options.tokens ?? null;
    this.tenantId = options.tenantId;
    this.baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    const baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.api = createClient<paths>({ baseUrl, fetch: (request) => this.send(request) });
  }

  /** The current tokens, if signed in. */
  get session(): Tokens | null {
    return this.tokens;
  }

  /** Creates an account and signs in. */
  async register(email: string, password: string, name?: string) {
    const session = await unwrap(
      this.api.POST("/api/auth/register", { body: { email, password, name } }),
    );
    this.setTokens(session.tokens);
    return session;
  }

  /** Signs in. */
  async login(email: string, password: string) {
    const session = await unwrap(this.api.POST("/api/auth/login", { body: { email, password } }));
    this.setTokens(session.tokens);
    return session;
  }

  /** Signs out: the session ends on the server and here. */
  async logout(): Promise<void> {
    if (this.tokens) await unwrap(this.api.POST("/api/auth/logout"));
    this.setTokens(null);
  }

  /** Exchanges the refresh token for a new pair now; false when the session is over. */
  refresh(): Promise<boolean> {
    // One refresh at a time: a refresh token is single-use, so concurrent 401s share it.
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) return false;
    const { data, response } = await this.api.POST("/api/auth/refresh", {
      body: { refreshToken },
    });
    if (!response.ok || !data) {
      this.setTokens(null);
      return false;
    }
    this.setTokens(data);
    return true;
  }

  private setTokens(tokens: Tokens | null) {
    this.tokens = tokens && { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    this.options.onTokens?.(this.tokens);
  }

  private async send(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const anonymous = ANONYMOUS.includes(path);
    const retry = request.clone();
    const response = await this.baseFetch(this.prepare(request, anonymous));
    if (response.status !== 401 || anonymous || !this.tokens?.refreshToken) return response;
    // The access token expired (or was revoked): refresh once and send the request again.
    if (!(await this.refresh())) return response;
    return this.baseFetch(this.prepare(retry, anonymous));
  }

  private prepare(request: Request, anonymous: boolean): Request {
    const headers = new Headers(request.headers);
    const bearer = this.options.apiKey ?? this.tokens?.accessToken;
    if (!anonymous && bearer && !headers.has("authorization")) {
      headers.set("authorization", `Bearer ${bearer}`);
    }
    if (this.tenantId && !headers.has("x-tenant-id")) headers.set("x-tenant-id", this.tenantId);
    return new Request(request, { headers });
  }
}
