// The example pipelines/connectors/postgres_cdc_redis.json against a
// private PostgreSQL 15 and a redis-server the test starts: every change of
// the table keeps the Redis cache current.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/child_process.hpp"
#include "app/run_helpers.hpp"
#include "operators/postgres/pg_server.hpp"
#include "operators/redis/redis_server.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::test::child_process;
using sluice::test::lines_of;
using sluice::test::wait_for;

/// Every `product:*` hash as "key field=value ...", fields in name order,
/// keys in order.
std::vector<std::string> cache_of(sluice::test::redis_server& redis) {
  auto keys = redis.command({"KEYS", "product:*"});
  std::set<std::string> names;
  for (std::size_t i = 0; keys && i < keys->elements; ++i)
    names.insert(std::string(keys->element[i]->str, keys->element[i]->len));
  std::vector<std::string> out;
  for (const auto& key : names) {
    std::string line = key;
    for (const auto& [field, value] : redis.hgetall(key)) line += " " + field + "=" + value;
    out.push_back(line);
  }
  return out;
}

} // namespace

TEST_CASE("the example PostgreSQL CDC -> Redis keeps a hash per product current, deletes too") {
  const fs::path example =
    fs::path(SLUICE_SOURCE_DIR) / "pipelines" / "connectors" / "postgres_cdc_redis.json";
  const fs::path golden =
    fs::path(SLUICE_SOURCE_DIR) / "tests" / "pipelines" / "connectors" / "postgres_cdc_redis";
  sluice::test::pg_server pg;
  pg.exec("CREATE ROLE sluice LOGIN REPLICATION PASSWORD 'example-pw'");
  pg.exec("CREATE DATABASE shop OWNER sluice");
  pg.query_in("shop", "CREATE TABLE products (id bigint PRIMARY KEY, name text, "
                      "price double precision, stock bigint)");
  pg.query_in("shop", "ALTER TABLE products OWNER TO sluice");
  sluice::test::redis_server redis;
  // The example as it is, pointed at the test's servers.
  auto doc = nlohmann::json::parse(std::ifstream(example));
  for (auto& node : doc["nodes"]) {
    if (node["kind"] == "source.postgres") node["params"]["url"] = pg.url("sluice", "shop");
    if (node["kind"] == "sink.redis") node["params"]["url"] = redis.url();
  }
  auto base = sluice::test::fresh_dir("postgres_cdc_redis", "example");
  std::ofstream(base / "pipeline.json") << doc.dump(2);
  ::setenv("PGPASSWORD", "example-pw", 1); // the example reads it from the environment
  child_process run({SLUICE_BIN, "run", (base / "pipeline.json").string()},
                    (base / "run.log").string());
  ::unsetenv("PGPASSWORD");
  // Changes are streamed from when the slot exists (the source makes it).
  INFO(run.output());
  REQUIRE(wait_for([&] { return pg.value("SELECT count(*) FROM pg_replication_slots") == "1"; },
                   std::chrono::seconds(30)));
  for (const auto& statement : lines_of(golden / "input.sql")) pg.query_in("shop", statement);
  const auto want = lines_of(golden / "expected.txt");
  CHECK(wait_for([&] { return cache_of(redis) == want; }, std::chrono::seconds(30)));
  run.signal(SIGINT);
  REQUIRE(run.wait_exit(std::chrono::seconds(30)) == 0);
  CHECK(cache_of(redis) == want);
}
