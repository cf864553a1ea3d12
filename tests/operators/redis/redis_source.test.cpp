#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

#include "../harness.hpp"
#include "redis_server.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using nlohmann::json;

namespace {

core::operator_context instance_of(std::size_t i, std::size_t n, bool checkpoints = false) {
  core::operator_context ctx;
  ctx.node_id = "in";
  ctx.instance = i;
  ctx.parallelism = n;
  ctx.checkpoints = checkpoints;
  return ctx;
}

json params_for(const redis_server& r, json extra = json::object()) {
  json p = {{"url", r.url()},
            {"stream", "events"},
            {"group", "g"},
            {"start", "earliest"},
            {"schema", {{"n", "int"}, {"s", "string"}}},
            {"reconnect_backoff", "50ms"},
            {"reconnect_backoff_max", "200ms"}};
  for (auto& [name, value] : extra.items()) p[name] = value;
  return p;
}

void add_numbered(redis_server& r, int from, int to, const std::string& stream = "events") {
  for (int i = from; i < to; ++i)
    r.xadd(stream, {{"n", std::to_string(i)}, {"s", "v" + std::to_string(i)}});
}

/// Polls every source until `done` holds or 20 s pass.
template <class Done>
void poll_until(std::vector<core::operator_base*> sources, recording_emitter& out, Done done) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!done() && std::chrono::steady_clock::now() < until) {
    bool any = false;
    for (auto* s : sources) any |= s->poll(out, 1000).what == core::poll_result::state::more;
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

/// Polls for a while longer: whatever would still come, comes.
void poll_more(core::operator_base& s, recording_emitter& out) {
  for (int i = 0; i < 5; ++i) s.poll(out, 1000);
}

/// The values of field `name` of every record, as JSON text.
std::multiset<std::string> field_values(const recording_emitter& out, const std::string& name) {
  std::multiset<std::string> values;
  for (const auto& row : out.json_rows()) values.insert(json::parse(row).at(name).dump());
  return values;
}

std::multiset<std::string> numbers(int from, int to) {
  std::multiset<std::string> out;
  for (int i = from; i < to; ++i) out.insert(std::to_string(i));
  return out;
}

/// Entries delivered to the group and not acknowledged.
long long pending(redis_server& r, const std::string& group = "g") {
  auto reply = r.command({"XPENDING", "events", group});
  return reply->element[0]->integer;
}

} // namespace

TEST_CASE("source.redis reads a stream's entries into records of the schema, with the entry id, "
          "stream and time as metadata") {
  redis_server redis;
  add_numbered(redis, 0, 100);
  redis.xadd("events", {{"n", "100"}, {"extra", "ignored"}}); // no `s`: null
  auto p = params_for(redis, {{"metadata", {"id", "stream", "time"}}});
  auto src = make_operator("source.redis", p, instance_of(0, 1));
  src->open();
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 101; });
  REQUIRE(out.rows() == 101);
  auto expected = numbers(0, 101);
  CHECK(field_values(out, "n") == expected);
  const auto entries = redis.xrange("events");
  auto first = json::parse(out.json_rows().front());
  CHECK(first["s"] == "v0");
  CHECK(first["id"] == entries.front().id);
  CHECK(first["stream"] == "events");
  CHECK(first["time"].is_string()); // the id's milliseconds, ISO-8601
  CHECK(json::parse(out.json_rows().back())["s"].is_null());
  CHECK(out.errors.empty());
  // Without checkpoints: acknowledged once emitted, with the next read.
  CHECK(src->poll(out, 1000).what == core::poll_result::state::wait);
  CHECK(pending(redis) == 0);
  src->close();
}

TEST_CASE("source.redis reads JSON, CSV and raw payloads from one entry field") {
  redis_server redis;
  SECTION("json") {
    redis.xadd("events", {{"value", R"({"n": 1, "s": "one"})"}});
    auto src =
      make_operator("source.redis", params_for(redis, {{"format", "json"}}), instance_of(0, 1));
    src->open();
    recording_emitter out;
    poll_until({src.get()}, out, [&] { return out.rows() >= 1; });
    REQUIRE(out.rows() == 1);
    CHECK(json::parse(out.json_rows()[0])["s"] == "one");
  }
  SECTION("csv") {
    redis.xadd("events", {{"line", "2,\"two, too\""}});
    auto p = params_for(
      redis, {{"format", "csv"}, {"payload_field", "line"}, {"metadata", json::array()}});
    p["schema"] = {"n:int", "s:string"};
    auto src = make_operator("source.redis", p, instance_of(0, 1));
    src->open();
    recording_emitter out;
    poll_until({src.get()}, out, [&] { return out.rows() >= 1; });
    REQUIRE(out.json_rows() == std::vector<std::string>{"{\"n\":2,\"s\":\"two, too\"}"});
  }
  SECTION("raw") {
    redis.xadd("events", {{"value", "3,three"}});
    auto p = params_for(redis, {{"format", "raw"}, {"metadata", json::array()}});
    p.erase("schema");
    auto src = make_operator("source.redis", p, instance_of(0, 1));
    src->open();
    recording_emitter out;
    poll_until({src.get()}, out, [&] { return out.rows() >= 1; });
    REQUIRE(out.json_rows() == std::vector<std::string>{"{\"value\":\"3,three\"}"});
  }
}

TEST_CASE("a Redis entry that does not fit the schema goes to errors naming the stream and entry "
          "id") {
  redis_server redis;
  redis.xadd("events", {{"n", "1"}, {"s", "a"}});
  redis.xadd("events", {{"n", "two"}, {"s", "b"}});
  redis.xadd("events", {{"value", "not json"}});
  redis.xadd("events", {{"n", "3"}, {"s", "c"}});
  const auto ids = redis.xrange("events");
  SECTION("fields") {
    auto src = make_operator("source.redis", params_for(redis), instance_of(0, 1));
    src->open();
    recording_emitter out;
    poll_until({src.get()}, out, [&] { return out.rows() + out.errors.size() >= 4; });
    CHECK(field_values(out, "n") == std::multiset<std::string>{"1", "3", "null"});
    REQUIRE(out.errors.size() == 1);
    CHECK(out.errors[0].reason
          == "stream 'events' entry " + ids[1].id + ": field 'n': expected int, got 'two'");
    CHECK_THAT(out.errors[0].record, Catch::Contains(ids[1].id));
    CHECK_THAT(out.errors[0].record, Catch::Contains("two"));
    src->close(); // acknowledges what the last read emitted
  }
  SECTION("json") {
    auto src =
      make_operator("source.redis", params_for(redis, {{"format", "json"}}), instance_of(0, 1));
    src->open();
    recording_emitter out;
    poll_until({src.get()}, out, [&] { return out.rows() + out.errors.size() >= 4; });
    CHECK(out.rows() == 0);
    REQUIRE(out.errors.size() == 4);
    CHECK(out.errors[0].reason == "stream 'events' entry " + ids[0].id + ": no field 'value'");
    CHECK_THAT(out.errors[2].reason,
               Catch::StartsWith("stream 'events' entry " + ids[2].id + ": "));
    CHECK_THAT(out.errors[2].record, Catch::Contains("not json"));
    src->close();
  }
  CHECK(pending(redis) == 0); // bad entries are handled too
}

TEST_CASE("parallel source.redis instances are consumers of one group, each entry read once") {
  redis_server redis;
  add_numbered(redis, 0, 300);
  auto a =
    make_operator("source.redis", params_for(redis, {{"consumer", "worker"}}), instance_of(0, 2));
  auto b =
    make_operator("source.redis", params_for(redis, {{"consumer", "worker"}}), instance_of(1, 2));
  a->open();
  b->open();
  recording_emitter out_a, out_b;
  // Small budgets, alternating, so both get some.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out_a.rows() + out_b.rows() < 300 && std::chrono::steady_clock::now() < until) {
    a->poll(out_a, 10);
    b->poll(out_b, 10);
  }
  CHECK(out_a.rows() > 0);
  CHECK(out_b.rows() > 0);
  auto all = field_values(out_a, "n");
  for (auto& v : field_values(out_b, "n")) all.insert(v);
  CHECK(all == numbers(0, 300));
  auto consumers = redis.command({"XINFO", "CONSUMERS", "events", "g"});
  std::set<std::string> names;
  for (std::size_t i = 0; i < consumers->elements; ++i)
    names.insert(consumers->element[i]->element[1]->str);
  CHECK(names == std::set<std::string>{"worker-0", "worker-1"});
}

TEST_CASE("source.redis with start latest reads only entries added after its group was made") {
  redis_server redis;
  add_numbered(redis, 0, 10);
  auto src =
    make_operator("source.redis", params_for(redis, {{"start", "latest"}}), instance_of(0, 1));
  src->open();
  recording_emitter out;
  src->poll(out, 1000); // creates the group at the end
  add_numbered(redis, 10, 15);
  poll_until({src.get()}, out, [&] { return out.rows() >= 5; });
  poll_more(*src, out);
  CHECK(field_values(out, "n") == numbers(10, 15));
}

TEST_CASE("source.redis with checkpoints acknowledges entries when their checkpoint completes") {
  redis_server redis;
  add_numbered(redis, 0, 50);
  auto src = make_operator("source.redis", params_for(redis), instance_of(0, 1, true));
  src->open();
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 50; });
  src->prepare_checkpoint(1);
  const std::string state = core::snapshot_state(*src, "source.redis");
  add_numbered(redis, 50, 80);
  poll_until({src.get()}, out, [&] { return out.rows() >= 80; });
  CHECK(pending(redis) == 80); // nothing acknowledged before a checkpoint completes

  SECTION("the checkpoint completes: its entries are acknowledged, the later ones stay pending") {
    src->checkpoint_complete(1);
    CHECK(pending(redis) == 30);
    SECTION("a run resumed from it reads the pending entries again, then new ones") {
      src->close();
      src.reset();
      auto again = make_operator("source.redis", params_for(redis), instance_of(0, 1, true));
      core::restore_state(*again, "source.redis", state);
      again->open();
      add_numbered(redis, 80, 90);
      recording_emitter out2;
      poll_until({again.get()}, out2, [&] { return out2.rows() >= 40; });
      poll_more(*again, out2);
      CHECK(field_values(out2, "n") == numbers(50, 90));
    }
  }
  SECTION("the run dies before the acknowledgement: the resumed run makes it, and reads only what "
          "came after the checkpoint") {
    src.reset(); // killed: checkpoint 1 was complete, its XACK never sent
    auto again = make_operator("source.redis", params_for(redis), instance_of(0, 1, true));
    core::restore_state(*again, "source.redis", state);
    again->open();
    recording_emitter out2;
    poll_until({again.get()}, out2, [&] { return out2.rows() >= 30; });
    poll_more(*again, out2);
    CHECK(field_values(out2, "n") == numbers(50, 80));
    again->prepare_checkpoint(2);
    again->checkpoint_complete(2);
    CHECK(pending(redis) == 0);
  }
}

TEST_CASE("source.redis waits out a server that is down, then reads everything, counting the "
          "reconnect") {
  redis_server redis;
  add_numbered(redis, 0, 20);
  auto ctx = instance_of(0, 1);
  auto src = make_operator("source.redis", params_for(redis), ctx);
  src->open();
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 20; });
  REQUIRE(out.rows() == 20);
  CHECK(ctx.connector->read().up == 1);
  redis.stop();
  for (int i = 0; i < 20; ++i) { // polls on, never fails
    CHECK(src->poll(out, 1000).what == core::poll_result::state::wait);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(ctx.connector->read().up == 0);
  CHECK_THAT(ctx.connector->read().last_error, Catch::Contains("127.0.0.1"));
  redis.start();
  add_numbered(redis, 20, 40);
  poll_until({src.get()}, out, [&] { return out.rows() >= 40; });
  poll_more(*src, out);
  CHECK(field_values(out, "n") == numbers(0, 40));
  CHECK(ctx.connector->read().up == 1);
  CHECK(ctx.connector->read().reconnects >= 1);
}

TEST_CASE("source.redis authenticates with a password param read from the environment, and a "
          "refused password fails the run") {
  redis_server redis({"--requirepass", "s3cret"});
  redis.password = "s3cret";
  add_numbered(redis, 0, 3);
  ::setenv("SLUICE_TEST_REDIS_PW", "s3cret", 1);
  auto src = make_operator("source.redis",
                           params_for(redis, {{"password", {{"env", "SLUICE_TEST_REDIS_PW"}}}}),
                           instance_of(0, 1));
  src->open();
  recording_emitter out;
  poll_until({src.get()}, out, [&] { return out.rows() >= 3; });
  CHECK(out.rows() == 3);
  auto wrong = make_operator(
    "source.redis",
    params_for(redis, {{"url", "redis://:nope@127.0.0.1:" + std::to_string(redis.port())}}),
    instance_of(0, 1));
  wrong->open();
  try {
    wrong->poll(out, 1000);
    FAIL("a refused password did not fail");
  } catch (const std::runtime_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("authentication refused"));
    CHECK_THAT(e.what(), Catch::Contains("redis://:****@127.0.0.1"));
    CHECK_THAT(e.what(), !Catch::Contains("nope"));
  }
}

TEST_CASE("source.redis refuses params it cannot read, naming them") {
  auto err = [](json p) {
    if (!p.contains("stream")) p["stream"] = "s";
    if (!p.contains("schema") && p.value("format", "fields") != "raw") p["schema"] = {{"n", "int"}};
    return param_error_of("source.redis", p);
  };
  CHECK(err({{"url", "http://localhost"}})->param() == "url");
  CHECK(err({{"url", "redis://host:99999"}})->param() == "url");
  CHECK(err({{"url", "redis://host:6379/x"}})->param() == "url");
  CHECK(err({{"stream", ""}})->param() == "stream");
  CHECK(err({{"metadata", {"id", "colour"}}})->param() == "metadata");
  CHECK(err({{"schema", {{"id", "string"}}}})->param() == "metadata");
  CHECK(err({{"schema", json::object()}})->param() == "schema");
  CHECK(err({{"format", "raw"}, {"schema", {{"n", "int"}}}})->param() == "schema");
  CHECK(err({{"start", "middle"}})->param() == "start");
  CHECK(err({{"password", {{"vault", "x"}}}})->param() == "password");
  CHECK_FALSE(err({{"url", "redis://user:pw@[::1]:6380/2"}}).has_value());
  CHECK_FALSE(err({{"metadata", json::array()}}).has_value());
}
