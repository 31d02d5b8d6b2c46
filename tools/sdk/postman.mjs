// Makes the Postman collection and environment (sdks/postman) from the API document. The converter,
// openapi-to-postmanv2, makes a folder of requests per tag; this script then makes its output the same
// on every run (fixed ids, seeded example values, no saved example answers), signs requests in with a
// collection-level pre-request script, and puts first a "Flow" folder that newman runs against a live
// server (tools/sdk/test.sh).
//
//   node tools/sdk/postman.mjs TOOLS_DIR OPENAPI_JSON OUT_DIR
//
// TOOLS_DIR holds node_modules with the pinned converter (tools/sdk/package.json).

import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const [toolsDir, documentPath, outDir] = process.argv.slice(2);
if (!outDir) {
  console.error("usage: node postman.mjs TOOLS_DIR OPENAPI_JSON OUT_DIR");
  process.exit(2);
}

// The converter fakes request bodies with json-schema-faker, which draws from Math.random: seeded, it
// draws the same values every run. Set before the converter is loaded, which keeps a reference to it.
Math.random = seeded(0x4c756d69);
const converter = createRequire(path.join(path.resolve(toolsDir), "package.json"))("openapi-to-postmanv2");

const document = JSON.parse(readFileSync(documentPath, "utf8"));
const converted = await new Promise((resolve, reject) =>
  converter.convert(
    { type: "json", data: structuredClone(document) },
    { folderStrategy: "Tags", requestNameSource: "Fallback", enableOptionalParameters: false },
    (error, result) => {
      if (error) reject(error);
      else if (!result.result) reject(new Error(result.reason));
      else resolve(result.output[0].data);
    },
  ),
);

// The operation each request stands for, by method and path template.
const operations = new Map();
for (const [template, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    if (typeof operation === "object" && operation.responses) {
      operations.set(`${method.toUpperCase()} ${template}`, operation);
    }
  }
}
const templateOf = (request) =>
  "/" + request.url.path.map((part) => part.replace(/^:(.+)$/, "{$1}")).join("/");
const operationOf = (request) => operations.get(`${request.method} ${templateOf(request)}`);

function tidyRequest(item) {
  const operation = operationOf(item.request);
  if (!operation) throw new Error(`no operation for ${item.request.method} ${templateOf(item.request)}`);
  // Ids the converter draws at random: Postman makes its own on import.
  delete item.id;
  // The converter's example answers are faked from the schemas (some of them wrongly: "<Error: Too
  // many levels of nesting to fake this schema>"), and are most of the file's size; the document has
  // the real shapes.
  item.response = [];
  // The collection's bearer token for operations that take one; none for the others.
  const anonymous = Array.isArray(operation.security) && operation.security.length === 0;
  if (anonymous) item.request.auth = { type: "noauth" };
  else delete item.request.auth;
  for (const header of item.request.header ?? []) {
    if (header.key === "X-Tenant-Id") header.value = "{{tenantId}}";
    if (header.key === "Idempotency-Key") header.value = "{{$guid}}";
  }
  return item;
}

function walk(items, visit, visitFolder = () => {}) {
  for (const item of items) {
    if (item.item) {
      visitFolder(item);
      walk(item.item, visit, visitFolder);
    } else {
      visit(item);
    }
  }
}
walk(converted.item, tidyRequest, (folder) => delete folder.id);

const find = (method, template) => {
  let found;
  walk(converted.item, (item) => {
    if (item.request.method === method && templateOf(item.request) === template) found = item;
  });
  if (!found) throw new Error(`the document has no ${method} ${template}`);
  return structuredClone(found);
};

const script = (type, lines) => ({ listen: type, script: { type: "text/javascript", exec: lines } });
const tests = (...lines) => script("test", lines);

/** A request of the flow: a copy of the converted one, renamed, with a body and tests. */
function step(name, method, template, { body, headers = {}, query = {}, events = [] } = {}) {
  const item = find(method, template);
  item.name = name;
  item.request.name = name;
  for (const header of item.request.header ?? []) {
    if (header.key in headers) {
      header.value = headers[header.key];
      delete header.disabled;
    }
  }
  for (const parameter of item.request.url.query ?? []) {
    if (parameter.key in query) {
      parameter.value = query[parameter.key];
      delete parameter.disabled;
    }
  }
  if (body !== undefined) item.request.body.raw = JSON.stringify(body, null, 2);
  item.event = events;
  return item;
}

const PROJECTS = "/api/apps/project-manager/projects";
const flow = {
  name: "Flow",
  description:
    "Signs in (registering the environment's `email` first when it has no account), spends credits " +
    "on a project with an `Idempotency-Key`, replays it without paying twice, and reads the ledger. " +
    "Run it with newman (`--folder Flow`) or Postman's runner; tools/sdk/test.sh does, against a live server.",
  item: [
    step("Who am I", "GET", "/api/auth/me", {
      events: [
        tests(
          'pm.test("200 OK", () => pm.response.to.have.status(200));',
          'pm.test("signed in as the environment\'s email", () =>',
          '  pm.expect(pm.response.json().email).to.eql(pm.environment.get("email").toLowerCase()));',
        ),
      ],
    }),
    step("Balance", "GET", "/api/credits/balance", {
      events: [
        tests(
          'pm.test("200 OK", () => pm.response.to.have.status(200));',
          'pm.environment.set("balance", pm.response.json().balance);',
        ),
      ],
    }),
    step("Create a project", "POST", PROJECTS, {
      body: { name: "From Postman" },
      headers: { "Idempotency-Key": "{{idempotencyKey}}" },
      events: [
        script("prerequest", ['pm.environment.set("idempotencyKey", pm.variables.replaceIn("{{$guid}}"));']),
        tests(
          'pm.test("201 Created", () => pm.response.to.have.status(201));',
          "const answer = pm.response.json();",
          'pm.test("charged once, from the balance", () => {',
          "  pm.expect(answer.creditUsed).to.be.above(0);",
          '  pm.expect(answer.creditBalance).to.eql(pm.environment.get("balance") - answer.creditUsed);',
          "});",
          'pm.environment.set("projectId", answer.project.id);',
          'pm.environment.set("creditUsed", answer.creditUsed);',
        ),
      ],
    }),
    step("Create it again with the same key", "POST", PROJECTS, {
      body: { name: "From Postman" },
      headers: { "Idempotency-Key": "{{idempotencyKey}}" },
      events: [
        tests(
          'pm.test("201 Created", () => pm.response.to.have.status(201));',
          'pm.test("the first answer, replayed", () => {',
          '  pm.response.to.have.header("Idempotent-Replayed", "true");',
          '  pm.expect(pm.response.json().project.id).to.eql(pm.environment.get("projectId"));',
          "});",
        ),
      ],
    }),
    step("List projects", "GET", PROJECTS, {
      events: [
        tests(
          'pm.test("200 OK", () => pm.response.to.have.status(200));',
          'pm.test("the project, once", () => {',
          "  const ids = pm.response.json().items.map((project) => project.id);",
          '  pm.expect(ids.filter((id) => id === pm.environment.get("projectId"))).to.have.lengthOf(1);',
          "});",
        ),
      ],
    }),
    step("Ledger", "GET", "/api/credits/history", {
      query: { limit: "10" },
      events: [
        tests(
          'pm.test("200 OK", () => pm.response.to.have.status(200));',
          'pm.test("the charge, newest first, paid once", () => {',
          "  const [entry] = pm.response.json().items;",
          '  pm.expect(entry.amountCredits).to.eql(-pm.environment.get("creditUsed"));',
          '  pm.expect(entry.balanceAfterCredits).to.eql(pm.environment.get("balance") - pm.environment.get("creditUsed"));',
          "});",
        ),
      ],
    }),
  ],
};

// Before each request that needs it: sign in with the environment's email and password (registering
// the account when there is none), and keep the access token until a minute before it expires.
const signIn = [
  "// Signs in before a request that takes the access token, with the environment's `email` and",
  "// `password` (registering that account first when it does not exist), and keeps the token in the",
  "// environment's `accessToken` until a minute before it expires.",
  'if (!pm.environment.get("baseUrl")) pm.environment.set("baseUrl", pm.collectionVariables.get("baseUrl"));',
  'const anonymous = pm.request.auth && pm.request.auth.type === "noauth";',
  'const expiresAt = Number(pm.environment.get("accessTokenExpiresAt") || 0);',
  'if (!anonymous && !(pm.environment.get("accessToken") && Date.now() < expiresAt - 60000)) {',
  '  const credentials = { email: pm.environment.get("email"), password: pm.environment.get("password") };',
  "  const post = (path, callback) => pm.sendRequest({",
  '    url: pm.environment.get("baseUrl") + path,',
  '    method: "POST",',
  '    header: { "Content-Type": "application/json" },',
  '    body: { mode: "raw", raw: JSON.stringify(credentials) },',
  "  }, callback);",
  "  const keep = (tokens) => {",
  '    pm.environment.set("accessToken", tokens.accessToken);',
  '    pm.environment.set("refreshToken", tokens.refreshToken);',
  '    pm.environment.set("accessTokenExpiresAt", String(Date.parse(tokens.accessTokenExpiresAt)));',
  "  };",
  '  post("/api/auth/login", (error, response) => {',
  "    if (error) throw error;",
  "    if (response.code === 200) return keep(response.json().tokens);",
  "    if (response.code !== 401) throw new Error(`login: ${response.code} ${response.text()}`);",
  '    post("/api/auth/register", (error, response) => {',
  "      if (error) throw error;",
  "      if (response.code !== 201) throw new Error(`register: ${response.code} ${response.text()}`);",
  "      keep(response.json().tokens);",
  "    });",
  "  });",
  "}",
];

const collection = {
  info: {
    _postman_id: uuidFrom("lumiku collection"),
    name: converted.info.name,
    description: converted.info.description,
    schema: converted.info.schema,
  },
  item: [flow, ...converted.item],
  auth: { type: "bearer", bearer: [{ key: "token", value: "{{accessToken}}", type: "string" }] },
  event: [script("prerequest", signIn)],
  variable: converted.variable,
};

const environment = {
  id: uuidFrom("lumiku environment"),
  name: "Lumiku (local)",
  values: [
    ["baseUrl", converted.variable.find((v) => v.key === "baseUrl")?.value ?? "", "default"],
    ["email", "you@example.com", "default"],
    ["password", "", "secret"],
    ["tenantId", "", "default"],
    ["accessToken", "", "secret"],
    ["accessTokenExpiresAt", "", "default"],
    ["refreshToken", "", "secret"],
  ].map(([key, value, type]) => ({ key, value, type, enabled: true })),
  _postman_variable_scope: "environment",
};

const write = (name, value) => writeFileSync(path.join(outDir, name), JSON.stringify(value, null, 2) + "\n");
write("lumiku.postman_collection.json", collection);
write("lumiku.postman_environment.json", environment);

/** A UUID (version 4 layout) derived from a name, so it stays the same. */
function uuidFrom(name) {
  const hex = createHash("sha256").update(name).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
