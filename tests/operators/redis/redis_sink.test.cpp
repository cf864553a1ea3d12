#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "../harness.hpp"
#include "redis_server.hpp"
#include "sluice/core/state.hpp"

using namespace sluice;
using namespace sluice::test;
using core::value_type;
using nlohmann::json;

namespace {

const core::schema_ptr readings = core::make_schema(
  {{"device", value_type::string}, {"temp", value_type::float64}, {"n", value_type::int64}});

core::batch_ptr rows(int from, int to) {
  core::batch_builder b(readings);
  for (int i = from; i < to; ++i) {
    b.column_at(0).append_string("d" + std::to_string(i % 3));
    b.column_at(1).append_double(20.5);
    b.column_at(2).append_int(i);
  }
  return b.finish();
}

core::operator_context sink_context(std::shared_ptr<core::connector_status> status = nullptr,
                                    bool checkpoints = false, core::schema_ptr input = readings) {
  core::operator_context ctx;
  ctx.node_id = "to_redis";
  ctx.inputs = {std::move(input)};
  ctx.checkpoints = checkpoints;
  if (status) ctx.connector = std::move(status);
  return ctx;
}

json params_for(const redis_server& r, json extra = json::object()) {
  json p = {{"url", r.url()}, {"reconnect_backoff", "50ms"}, {"reconnect_backoff_max", "200ms"}};
  for (auto& [name, value] : extra.items()) p[name] = value;
  return p;
}

core::operator_ptr make_sink(const redis_server& r, json extra, bool checkpoints = false,
                             core::schema_ptr input = readings) {
  auto ctx = sink_context(nullptr, checkpoints, std::move(input));
  return make_operator("sink.redis", params_for(r, std::move(extra)), ctx);
}

/// Field `name` of every entry of `stream`.
std::multiset<std::string> stream_values(redis_server& r, const std::string& stream,
                                         const std::string& name = "n") {
  std::multiset<std::string> out;
  for (const auto& e : r.xrange(stream)) out.insert(e.fields.count(name) ? e.fields.at(name) : "-");
  return out;
}

std::multiset<std::string> numbers(int from, int to) {
  std::multiset<std::string> out;
  for (int i = from; i < to; ++i) out.insert(std::to_string(i));
  return out;
}

} // namespace

TEST_CASE("sink.redis appends every record to a stream, its fields as the entry's, trimmed to "
          "maxlen") {
  redis_server redis;
  SECTION("fields") {
    auto sink = make_sink(redis, {{"stream", "out"}});
    sink->open();
    recording_emitter out;
    sink->on_batch_from(0, 0, rows(0, 2500), out); // more than one pipeline's worth
    sink->on_end_of_stream(out);
    sink->close();
    const auto entries = redis.xrange("out");
    REQUIRE(entries.size() == 2500);
    CHECK(entries[0].fields
          == std::map<std::string, std::string>{{"device", "d0"}, {"temp", "20.5"}, {"n", "0"}});
    CHECK(stream_values(redis, "out") == numbers(0, 2500));
  }
  SECTION("per device, as JSON in one field, trimmed") {
    auto sink = make_sink(
      redis,
      {{"stream", "out:{device}"}, {"format", "json"}, {"payload_field", "json"}, {"maxlen", 1}});
    sink->open();
    recording_emitter out;
    sink->on_batch_from(0, 0, rows(0, 3000), out);
    sink->close();
    const auto entries = redis.xrange("out:d1");
    // MAXLEN ~ trims whole nodes: about 1, at most one node's worth (100).
    CHECK(!entries.empty());
    CHECK(entries.size() <= 200);
    CHECK(entries.back().fields.at("json") == R"({"device":"d1","temp":20.5,"n":2998})");
  }
}

TEST_CASE("sink.redis keeps the latest state per key in hashes, removing null fields, with a ttl") {
  redis_server redis;
  auto sink = make_sink(redis, {{"mode", "hash"}, {"key", "sensor:{device}"}, {"ttl", "1h"}});
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 6), out);
  CHECK(redis.hgetall("sensor:d2")
        == std::map<std::string, std::string>{{"device", "d2"}, {"temp", "20.5"}, {"n", "5"}});
  core::batch_builder b(readings);
  b.column_at(0).append_string("d2");
  b.column_at(1).append_null();
  b.column_at(2).append_int(6);
  sink->on_batch_from(0, 0, b.finish(), out);
  CHECK(redis.hgetall("sensor:d2")
        == std::map<std::string, std::string>{{"device", "d2"}, {"n", "6"}});
  const long long ttl = redis.integer({"PTTL", "sensor:d2"});
  CHECK(ttl > 0);
  CHECK(ttl <= 3600000);
  CHECK(out.errors.empty());
}

TEST_CASE("sink.redis deletes the key of a record its delete_when holds for, a cache of a change "
          "feed") {
  redis_server redis;
  for (const char* mode : {"hash", "string"}) {
    INFO(mode);
    auto sink = make_sink(
      redis,
      {{"mode", mode}, {"key", std::string(mode) + ":{device}"}, {"delete_when", "n >= 100"}});
    sink->open();
    recording_emitter out;
    sink->on_batch_from(0, 0, rows(0, 3), out); // d0, d1, d2 written
    CHECK(redis.integer({"EXISTS", std::string(mode) + ":d1"}) == 1);
    sink->on_batch_from(0, 0, rows(100, 102), out); // n 100 (d1), 101 (d2): deleted
    CHECK(redis.integer({"EXISTS", std::string(mode) + ":d0"}) == 1);
    CHECK(redis.integer({"EXISTS", std::string(mode) + ":d1"}) == 0);
    CHECK(redis.integer({"EXISTS", std::string(mode) + ":d2"}) == 0);
    CHECK(out.errors.empty());
  }
  auto err = [&](json extra) {
    return param_error_of("sink.redis", params_for(redis, std::move(extra)), readings);
  };
  REQUIRE(err({{"mode", "stream"}, {"stream", "s"}, {"delete_when", "n > 1"}}));
  CHECK(err({{"mode", "stream"}, {"stream", "s"}, {"delete_when", "n > 1"}})->param()
        == "delete_when");
  CHECK(err({{"mode", "hash"}, {"key", "k"}, {"delete_when", "n + 1"}})->param() == "delete_when");
}

TEST_CASE("sink.redis sets strings to the record's JSON or CSV, with an expiry") {
  redis_server redis;
  SECTION("json") {
    auto sink = make_sink(redis, {{"mode", "string"}, {"key", "last:{device}"}, {"ttl", "10m"}});
    sink->open();
    recording_emitter out;
    sink->on_batch_from(0, 0, rows(0, 3), out);
    CHECK(redis.string({"GET", "last:d1"}) == R"({"device":"d1","temp":20.5,"n":1})");
    CHECK(redis.integer({"PTTL", "last:d1"}) > 0);
  }
  SECTION("csv") {
    auto sink = make_sink(redis, {{"mode", "string"}, {"key", "last"}, {"format", "csv"}});
    sink->open();
    recording_emitter out;
    sink->on_batch_from(0, 0, rows(0, 3), out);
    CHECK(redis.string({"GET", "last"}) == "d2,20.5,2");
    CHECK(redis.integer({"PTTL", "last"}) == -1); // no ttl: no expiry
  }
}

TEST_CASE("sink.redis publishes each record on the channel its template names") {
  redis_server redis;
  // A subscriber on a connection of its own.
  timeval tv{5, 0};
  std::unique_ptr<redisContext, void (*)(redisContext*)> sub(
    redisConnectWithTimeout("127.0.0.1", redis.port(), tv), redisFree);
  REQUIRE(sub);
  REQUIRE(sub->err == 0);
  redisSetTimeout(sub.get(), tv);
  redis_reply(static_cast<redisReply*>(redisCommand(sub.get(), "PSUBSCRIBE alerts/*")));
  auto sink = make_sink(redis, {{"mode", "publish"}, {"channel", "alerts/{device}"}});
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 4), out);
  std::vector<std::pair<std::string, std::string>> got;
  for (int i = 0; i < 4; ++i) {
    void* r = nullptr;
    REQUIRE(redisGetReply(sub.get(), &r) == REDIS_OK);
    redis_reply reply(static_cast<redisReply*>(r));
    REQUIRE(reply->elements == 4); // pmessage, pattern, channel, message
    got.emplace_back(reply->element[2]->str, reply->element[3]->str);
  }
  CHECK(got[0]
        == std::make_pair(std::string("alerts/d0"),
                          std::string(R"({"device":"d0","temp":20.5,"n":0})")));
  CHECK(got[3].first == "alerts/d0");
  CHECK(got[1].first == "alerts/d1");
}

TEST_CASE("a record Redis refuses goes to errors naming the key and the reason, the others are "
          "written") {
  redis_server redis;
  redis.command({"SET", "sensor:d1", "a string, not a hash"});
  auto sink = make_sink(redis, {{"mode", "hash"}, {"key", "sensor:{device}"}});
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 3), out);
  REQUIRE(out.errors.size() == 1);
  CHECK_THAT(out.errors[0].reason, Catch::StartsWith("WRONGTYPE"));
  CHECK_THAT(out.errors[0].reason, Catch::EndsWith("(key 'sensor:d1')"));
  CHECK(out.errors[0].record == R"({"device":"d1","temp":20.5,"n":1})");
  CHECK(redis.hgetall("sensor:d0").at("n") == "0");
  CHECK(redis.hgetall("sensor:d2").at("n") == "2");
}

TEST_CASE("sink.redis with checkpoints writes a checkpoint's records once it completes, once") {
  redis_server redis;
  std::string state;
  auto sink = make_sink(redis, {{"stream", "out"}}, true);
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 10), out);
  sink->prepare_checkpoint(1);
  state = core::snapshot_state(*sink, "sink.redis");
  sink->on_batch_from(0, 0, rows(10, 15), out);
  CHECK(redis.integer({"XLEN", "out"}) == 0); // held until the checkpoint completes

  SECTION("it completes: written with the checkpoint recorded; a run resumed from it writes "
          "nothing again") {
    sink->checkpoint_complete(1);
    CHECK(stream_values(redis, "out") == numbers(0, 10));
    CHECK(redis.string({"GET", "_sluice:to_redis:0"}) == "1");
    sink.reset(); // killed
    auto again = make_sink(redis, {{"stream", "out"}}, true);
    core::restore_state(*again, "sink.redis", state);
    again->open();
    again->on_batch_from(0, 0, rows(10, 15), out); // replayed after the checkpoint
    again->prepare_checkpoint(2);
    again->checkpoint_complete(2);
    CHECK(stream_values(redis, "out") == numbers(0, 15));
  }
  SECTION("killed before it committed: the resumed run writes the checkpoint's records once") {
    sink.reset();
    auto again = make_sink(redis, {{"stream", "out"}}, true);
    core::restore_state(*again, "sink.redis", state);
    again->open();
    again->on_batch_from(0, 0, rows(10, 15), out);
    again->on_end_of_stream(out);
    CHECK(stream_values(redis, "out") == numbers(0, 15));
  }
  SECTION("a fresh run does not take an earlier run's record for its own") {
    sink->checkpoint_complete(1);
    sink.reset();
    auto fresh = make_sink(redis, {{"stream", "out"}}, true);
    fresh->open();
    fresh->on_batch_from(0, 0, rows(100, 102), out);
    fresh->prepare_checkpoint(1);
    fresh->checkpoint_complete(1);
    CHECK(redis.integer({"XLEN", "out"}) == 12);
  }
}

TEST_CASE("sink.redis waits in on_batch while the server is down, then writes everything") {
  redis_server redis;
  auto status = std::make_shared<core::connector_status>();
  auto sink =
    make_operator("sink.redis", params_for(redis, {{"stream", "out"}}), sink_context(status));
  sink->open();
  recording_emitter out;
  sink->on_batch_from(0, 0, rows(0, 10), out);
  redis.stop();
  std::atomic<bool> done{false};
  std::thread writer([&] {
    sink->on_batch_from(0, 0, rows(10, 20), out);
    done = true;
  });
  // It cannot finish while the server is away; it reports the link down.
  for (int i = 0; i < 1000 && status->read().up != 0; ++i) // at most 20 s
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(status->read().up == 0);
  CHECK_FALSE(done);
  redis.start();
  writer.join();
  CHECK(status->read().up == 1);
  CHECK(status->read().reconnects >= 1);
  const auto got = stream_values(redis, "out");
  CHECK(std::set<std::string>(got.begin(), got.end()).size() == 20); // at-least-once: all there
  CHECK(out.errors.empty());
}

TEST_CASE("sink.redis refuses params it cannot use, naming them") {
  auto err = [](json p, core::schema_ptr input = readings) {
    return param_error_of("sink.redis", p, std::move(input));
  };
  auto text = core::make_schema({{"line", value_type::string}});
  CHECK(err({{"stream", "s"}, {"url", "redis//x"}})->param() == "url");
  CHECK(err(json::object())->param() == "stream");
  CHECK(err({{"mode", "hash"}})->param() == "key");
  CHECK(err({{"mode", "publish"}, {"key", "k"}})->param() == "key");
  CHECK(err({{"mode", "hash"}, {"key", "sensor:{nope}"}})->param() == "key");
  CHECK(err({{"stream", "s:{device"}})->param() == "stream");
  CHECK(err({{"mode", "string"}, {"key", "k"}, {"format", "fields"}})->param() == "format");
  CHECK(err({{"mode", "hash"}, {"key", "k"}, {"format", "json"}})->param() == "format");
  CHECK(err({{"stream", "s"}, {"format", "raw"}})->param() == "format");
  CHECK(err({{"mode", "hash"}, {"key", "k"}, {"maxlen", 10}})->param() == "maxlen");
  CHECK(err({{"mode", "publish"}, {"channel", "c"}, {"ttl", "1m"}})->param() == "ttl");
  CHECK(err({{"stream", "s"}, {"maxlen", 0}})->param() == "maxlen");
  CHECK_FALSE(err({{"stream", "s"}, {"format", "raw"}}, text).has_value());
  CHECK_FALSE(
    err({{"mode", "publish"}, {"channel", "c/{line}"}, {"format", "raw"}}, text).has_value());
}
