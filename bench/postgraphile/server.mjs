// PostGraphile 5 (amber preset) as a comparison server for the City Atlas benchmark.
//
// Run it on the Node 22 that the npm package `node` installs next to this file:
//
//   DATABASE_URL=postgres://root@127.0.0.1:5432/cityatlas PORT=5678 POOL_SIZE=10 \
//     bench/postgraphile/node_modules/.bin/node bench/postgraphile/server.mjs
//
// Env: DATABASE_URL (required), PORT (default 5678), POOL_SIZE (default 10),
//      HOST (default 127.0.0.1), SCHEMA (default public).
// Serves POST http://HOST:PORT/graphql only: no GraphiQL/Ruru, no watch mode, no
// explain, no websockets, production error masking.

// Grafast reads GRAPHILE_ENV once, when it is first loaded: fix production mode
// before the dynamic imports below (static imports would be hoisted above this).
process.env.GRAPHILE_ENV ??= "production";
if (process.env.GRAPHILE_ENV !== "production") {
  console.warn(`GRAPHILE_ENV=${process.env.GRAPHILE_ENV}: not a production setup`);
}

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  console.error(
    `PostGraphile 5 needs Node >= 22, this is ${process.version}; ` +
      "run it with bench/postgraphile/node_modules/.bin/node",
  );
  process.exit(1);
}

const { createServer } = await import("node:http");
const { readFileSync } = await import("node:fs");
const { postgraphile } = await import("postgraphile");
const { PostGraphileAmberPreset } = await import("postgraphile/presets/amber");
const { makePgService } = await import("postgraphile/adaptors/pg");
const { grafserv } = await import("postgraphile/grafserv/node");

const connectionString = process.env.DATABASE_URL;
if (!connectionString) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}
const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 5678);
const poolSize = Number(process.env.POOL_SIZE || 10);
if (!Number.isInteger(poolSize) || poolSize < 1) {
  console.error(`POOL_SIZE must be a positive integer, got ${process.env.POOL_SIZE}`);
  process.exit(1);
}

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset],
  // By default PostGraphile 5 offers `orderBy`/`condition` only on indexed columns.
  // City Atlas orders cities and companies by name (unindexed: sorted in SQL), so expose
  // ordering on every column, as PostGraphile 4's `ignoreIndexes: false` did. This
  // changes only which arguments the schema offers, not the SQL of a given query.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString,
      schemas: [process.env.SCHEMA || "public"],
      // node-postgres Pool: `max` is the pool size (City Atlas: --pool-size, default 10).
      // idleTimeoutMillis as sqlx's default idle timeout (10 min), so that the pool does not
      // drop its connections between benchmark rounds (node-postgres's default is 10 s).
      poolConfig: { max: poolSize, idleTimeoutMillis: 10 * 60 * 1000 },
      // No subscriptions in the benchmark: no LISTEN client taken from the pool.
      pubsub: false,
    }),
  ],
  grafserv: {
    host,
    port,
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    graphqlOverGET: false,
    watch: false,
    websockets: false,
  },
  grafast: {
    explain: false,
  },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
// Build the schema before accepting traffic, so the first request is not a cold start.
await pgl.getSchema();
server.listen(port, host, () => {
  console.log(
    `PostGraphile ${postgraphileVersion()} on Node ${process.version} ` +
      `at http://${host}:${port}/graphql ` +
      `(pool size ${poolSize}, GRAPHILE_ENV=${process.env.GRAPHILE_ENV})`,
  );
});

function postgraphileVersion() {
  try {
    const url = new URL("./node_modules/postgraphile/package.json", import.meta.url);
    return JSON.parse(readFileSync(url, "utf8")).version;
  } catch {
    return "5.x";
  }
}

async function shutdown(signal) {
  console.log(`${signal}: shutting down`);
  server.close();
  await pgl.release();
  process.exit(0);
}
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));
