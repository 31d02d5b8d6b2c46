// The SDK against a live `lumiku serve` (LUMIKU_URL) with the sandbox gateway: what a client of a
// metered API does, end to end.

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  InsufficientCreditsError,
  Lumiku,
  LumikuError,
  idempotencyKey,
  unwrap,
} from "../src/index.js";

const baseUrl = process.env.LUMIKU_URL ?? "http://127.0.0.1:3000";
const password = "correct horse battery staple";
const email = () => `sdk-ts-${crypto.randomUUID()}@example.com`;
const PROJECTS = "/api/apps/project-manager/projects";

async function balance(lumiku: Lumiku): Promise<number> {
  return (await unwrap(lumiku.api.GET("/api/credits/balance"))).balance;
}

test("register, login and refresh keep a session", async () => {
  const address = email();
  const seen: unknown[] = [];
  const first = new Lumiku({ baseUrl, onTokens: (tokens) => seen.push(tokens) });
  const session = await first.register(address, password, "SDK");
  assert.equal(session.user.email, address);
  assert.equal(seen.length, 1);

  const lumiku = new Lumiku({ baseUrl });
  await lumiku.login(address, password);
  const me = await unwrap(lumiku.api.GET("/api/auth/me"));
  assert.equal(me.email, address);
  const before = lumiku.session!.refreshToken;
  assert.ok(await lumiku.refresh());
  assert.notEqual(lumiku.session!.refreshToken, before);

  // A client whose access token is no longer good refreshes it once and carries on.
  const stale = new Lumiku({
    baseUrl,
    tokens: { accessToken: "expired", refreshToken: lumiku.session!.refreshToken },
  });
  const tenants = await unwrap(stale.api.GET("/api/tenants"));
  assert.equal(tenants.items.length, 1);
  assert.equal(tenants.nextCursor, null);
  assert.notEqual(stale.session!.accessToken, "expired");

  await stale.logout();
  assert.equal(stale.session, null);
  const error = await unwrap(stale.api.GET("/api/auth/me")).catch((e: unknown) => e);
  assert.ok(error instanceof LumikuError);
  assert.equal(error.status, 401);
});

test("a metered call is charged once, replayed free, and refused with a typed 402", async () => {
  const lumiku = new Lumiku({ baseUrl });
  await lumiku.register(email(), password);
  const start = await balance(lumiku);
  const key = idempotencyKey();
  const create = () =>
    lumiku.api.POST(PROJECTS, {
      body: { name: "From the SDK" },
      params: { header: { "Idempotency-Key": key } },
    });
  const first = await create();
  assert.equal(first.response.status, 201);
  const charged = first.data!;
  assert.equal(charged.project.name, "From the SDK");
  assert.ok(charged.creditUsed > 0);
  assert.equal(charged.creditBalance, start - charged.creditUsed);

  const again = await create();
  assert.equal(again.response.status, 201);
  assert.equal(again.response.headers.get("idempotent-replayed"), "true");
  assert.equal(again.data!.project.id, charged.project.id);
  assert.equal(await balance(lumiku), start - charged.creditUsed);

  const invalid = await unwrap(lumiku.api.POST(PROJECTS, { body: { name: "   " } })).catch(
    (e: unknown) => e,
  );
  assert.ok(invalid instanceof LumikuError);
  assert.equal(invalid.status, 422);
  assert.ok(invalid.fields?.name?.length);

  let refused: unknown;
  for (let i = 0; i < 1000 && !refused; i++) {
    await unwrap(lumiku.api.POST(PROJECTS, { body: { name: `Project ${i}` } })).catch((e) => {
      refused = e;
    });
  }
  assert.ok(refused instanceof InsufficientCreditsError, String(refused));
  assert.equal(refused.required, charged.creditUsed);
  assert.ok(refused.current < refused.required);
  assert.equal(refused.current, await balance(lumiku));
});

test("credits bought through the sandbox gateway arrive in the ledger", async () => {
  const lumiku = new Lumiku({ baseUrl });
  await lumiku.register(email(), password);
  const start = await balance(lumiku);
  const packages = await unwrap(lumiku.api.GET("/api/credit-packages"));
  const pack = packages.items[0];
  const payment = await unwrap(lumiku.api.POST("/api/payments", { body: { packageId: pack.id } }));
  assert.equal(payment.status, "pending");
  assert.ok(payment.redirectUrl);

  // The payer pays on the gateway's page (the sandbox's, here), which calls Lumiku back.
  const paid = await fetch(`${baseUrl}/pay/sandbox/${payment.reference}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "decision=pay",
    redirect: "manual",
  });
  assert.equal(paid.status, 303);
  const status = await unwrap(
    lumiku.api.GET("/api/payments/{reference}", {
      params: { path: { reference: payment.reference } },
    }),
  );
  assert.equal(status.status, "success");
  const credits = pack.credits + (pack.bonusCredits ?? 0);
  assert.equal(await balance(lumiku), start + credits);

  const history = await unwrap(lumiku.api.GET("/api/credits/history", { params: { query: { limit: 10 } } }));
  assert.equal(history.items[0].amountCredits, credits);
  assert.equal(history.items[0].balanceAfterCredits, start + credits);
});

test("an API key acts for its tenant and is charged like a person", async () => {
  const owner = new Lumiku({ baseUrl });
  await owner.register(email(), password);
  const tenant = (await unwrap(owner.api.GET("/api/tenants"))).items[0].id;
  const made = await unwrap(
    owner.api.POST("/api/tenants/{id}/api-keys", {
      params: { path: { id: tenant } },
      body: { name: "ci", scope: "write" },
    }),
  );
  assert.match(made.key, /^lk_live_/);
  const start = await balance(owner);

  const service = new Lumiku({ baseUrl, apiKey: made.key });
  assert.equal(await balance(service), start);
  const created = await unwrap(
    service.api.POST(PROJECTS, {
      body: { name: "From a key" },
      params: { header: { "Idempotency-Key": idempotencyKey() } },
    }),
  );
  assert.equal(created.creditBalance, start - created.creditUsed);
  // Account routes are for people: a key is refused there.
  await assert.rejects(unwrap(service.api.GET("/api/auth/me")), (error: unknown) => {
    assert.ok(error instanceof LumikuError);
    assert.equal(error.status, 403);
    assert.equal(error.code, "not_for_api_keys");
    return true;
  });
});
