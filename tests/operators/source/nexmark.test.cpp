#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "operators/harness.hpp"
#include "sluice/ops/source/nexmark_generator.hpp"

using namespace sluice;
using sluice::test::make_operator;
using sluice::test::output_schemas_of;
using sluice::test::recording_emitter;
using state = core::poll_result::state;

namespace {

constexpr std::size_t person_port = 0, auction_port = 1, bid_port = 2;

// Polls until finished; every output port's records as JSON.
recording_emitter run(const nlohmann::json& params, const core::operator_context& ctx = {},
                      std::size_t budget = 1000) {
  auto op = make_operator("source.nexmark", params, ctx);
  recording_emitter out(3);
  for (int i = 0; i < 1000000; ++i)
    if (op->poll(out, budget).what == state::finished) return out;
  FAIL("source.nexmark did not finish");
  return out;
}

std::vector<std::int64_t> ints(const recording_emitter& out, std::size_t port, std::size_t col) {
  std::vector<std::int64_t> v;
  for (const auto& b : out.batches.at(port))
    for (std::size_t r = 0; r < b->rows(); ++r) v.push_back(b->col(col).ints[r]);
  return v;
}

} // namespace

TEST_CASE("source.nexmark declares the reference's person, auction and bid schemas") {
  auto s = output_schemas_of("source.nexmark", nlohmann::json::object());
  REQUIRE(s.size() == 3);
  CHECK(s[0]->to_string()
        == "id:int, name:string, email_address:string, credit_card:string, city:string, "
           "state:string, date_time:timestamp, extra:string");
  CHECK(s[1]->to_string()
        == "id:int, item_name:string, description:string, initial_bid:int, reserve:int, "
           "date_time:timestamp, expires:timestamp, seller:int, category:int, extra:string");
  CHECK(s[2]->to_string()
        == "auction:int, bidder:int, price:int, channel:string, url:string, "
           "date_time:timestamp, extra:string");
}

TEST_CASE("source.nexmark emits people, auctions and bids in proportion 1 : 3 : 46") {
  auto out = run({{"events", 10000}});
  CHECK(out.rows(person_port) == 200);
  CHECK(out.rows(auction_port) == 600);
  CHECK(out.rows(bid_port) == 9200);
}

TEST_CASE("source.nexmark is deterministic for a seed and differs between seeds") {
  auto a = run({{"events", 3000}, {"seed", 7}});
  auto b = run({{"events", 3000}, {"seed", 7}}, {}, 333); // other batch sizes
  auto c = run({{"events", 3000}, {"seed", 8}});
  for (auto port : {person_port, auction_port, bid_port}) {
    CHECK(a.json_rows(port) == b.json_rows(port));
    CHECK(a.json_rows(port) != c.json_rows(port));
  }
}

TEST_CASE("source.nexmark numbers people and auctions as the reference does") {
  auto out = run({{"events", 5000}});
  auto person_ids = ints(out, person_port, 0);
  auto auction_ids = ints(out, auction_port, 0);
  // one person per 50 events, three auctions: ids count up from 1000
  for (std::size_t i = 0; i < person_ids.size(); ++i)
    CHECK(person_ids[i] == 1000 + static_cast<std::int64_t>(i));
  for (std::size_t i = 0; i < auction_ids.size(); ++i)
    CHECK(auction_ids[i] == 1000 + static_cast<std::int64_t>(i));
  // sellers and bidders are people that exist (or the next 10), bids are on
  // the last 100 auctions (or the next 10), categories are 10..14
  for (auto seller : ints(out, auction_port, 7)) {
    CHECK(seller >= 1000);
    CHECK(seller < 1000 + 100 + 10);
  }
  for (auto category : ints(out, auction_port, 8)) {
    CHECK(category >= 10);
    CHECK(category <= 14);
  }
  for (auto bidder : ints(out, bid_port, 1)) {
    CHECK(bidder >= 1000);
    CHECK(bidder < 1000 + 100 + 10);
  }
  for (auto auction : ints(out, bid_port, 0)) {
    CHECK(auction >= 1000);
    CHECK(auction < 1000 + 300 + 10);
  }
}

TEST_CASE("source.nexmark makes most bids on hot auctions by hot bidders") {
  auto out = run({{"events", 50000}});
  auto auctions = ints(out, bid_port, 0);
  auto bidders = ints(out, bid_port, 1);
  auto hot_auctions = std::count_if(auctions.begin(), auctions.end(),
                                    [](std::int64_t a) { return (a - 1000) % 100 == 0; });
  auto hot_bidders = std::count_if(bidders.begin(), bidders.end(),
                                   [](std::int64_t b) { return (b - 1000) % 100 == 1; });
  double n = static_cast<double>(auctions.size());
  // hot_auction_ratio 2: half the bids; hot_bidders_ratio 4: three quarters
  CHECK(static_cast<double>(hot_auctions) / n == Approx(0.5).margin(0.02));
  CHECK(static_cast<double>(hot_bidders) / n == Approx(0.75).margin(0.02));
}

TEST_CASE("source.nexmark spaces events by the event rate from the base time") {
  auto out = run({{"events", 1000}, {"event_rate", 1000}});
  auto person_times = ints(out, person_port, 6);
  auto base = core::parse_iso8601("2015-07-15T00:00:00Z").value();
  REQUIRE(person_times.size() == 20);
  for (std::size_t i = 0; i < person_times.size(); ++i) // person i is event 50 i: 50 i ms
    CHECK(person_times[i] == base + static_cast<std::int64_t>(i) * 50 * 1000);
  // auctions expire after they start
  auto starts = ints(out, auction_port, 5), expires = ints(out, auction_port, 6);
  for (std::size_t i = 0; i < starts.size(); ++i) CHECK(expires[i] > starts[i]);
}

TEST_CASE("source.nexmark pads records to the average sizes") {
  auto out = run({{"events", 20000}, {"avg_bid_byte_size", 300}});
  double extra = 0;
  std::size_t n = 0;
  for (const auto& b : out.batches[bid_port])
    for (std::size_t r = 0; r < b->rows(); ++r, ++n)
      extra += static_cast<double>(b->col(6).string_at(r).size());
  // 300 bytes minus 32 for the four numbers
  CHECK(extra / static_cast<double>(n) == Approx(268).margin(3));
}

TEST_CASE("source.nexmark builds nothing for an unconnected port, and the rest is unchanged") {
  auto all = run({{"events", 4000}});
  core::operator_context ctx;
  ctx.output_connected = {false, false, true};
  auto bids_only = run({{"events", 4000}}, ctx);
  CHECK(bids_only.batches[person_port].empty());
  CHECK(bids_only.batches[auction_port].empty());
  CHECK(bids_only.json_rows(bid_port) == all.json_rows(bid_port));
}

TEST_CASE("parallel instances of source.nexmark emit together exactly the events of one") {
  auto one = run({{"events", 20000}});
  std::vector<std::string> together[3];
  for (std::size_t i = 0; i < 3; ++i) {
    core::operator_context ctx;
    ctx.instance = i;
    ctx.parallelism = 3;
    auto part = run({{"events", 20000}}, ctx);
    for (std::size_t p = 0; p < 3; ++p) {
      auto rows = part.json_rows(p);
      together[p].insert(together[p].end(), rows.begin(), rows.end());
    }
  }
  for (std::size_t p = 0; p < 3; ++p) {
    auto expected = one.json_rows(p);
    std::sort(expected.begin(), expected.end());
    std::sort(together[p].begin(), together[p].end());
    CHECK(together[p] == expected);
  }
}

TEST_CASE("source.nexmark with occasional delays emits every event once, some late") {
  auto in_order = run({{"events", 20000}});
  auto delayed =
    run({{"events", 20000}, {"occasional_delay", "500ms"}, {"prob_delayed_event", 0.1}});
  auto a = in_order.json_rows(bid_port), b = delayed.json_rows(bid_port);
  CHECK(a != b); // another order
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  CHECK(a == b);
  // bids come at most 500 ms behind the newest one
  auto times = ints(delayed, bid_port, 5);
  std::int64_t newest = 0, worst = 0;
  for (auto t : times) {
    newest = std::max(newest, t);
    worst = std::max(worst, newest - t);
  }
  CHECK(worst > 0);
  CHECK(worst <= 500 * 1000);
}

TEST_CASE("source.nexmark shuffles events within out-of-order groups") {
  auto out = run({{"events", 1000}, {"out_of_order_group_size", 10}});
  CHECK(out.rows(person_port) + out.rows(auction_port) + out.rows(bid_port) == 1000);
  auto ids = ints(out, person_port, 0);
  std::set<std::int64_t> distinct(ids.begin(), ids.end());
  CHECK(distinct.size() == 20);
}

TEST_CASE("the nexmark generator's event kinds and last ids follow the reference") {
  using namespace sluice::ops::source::nexmark;
  CHECK(kind_of(0) == event_kind::person);
  CHECK(kind_of(1) == event_kind::auction);
  CHECK(kind_of(3) == event_kind::auction);
  CHECK(kind_of(4) == event_kind::bid);
  CHECK(kind_of(49) == event_kind::bid);
  CHECK(kind_of(50) == event_kind::person);
  CHECK(last_base0_person_id(0) == 0);
  CHECK(last_base0_person_id(49) == 0);
  CHECK(last_base0_person_id(50) == 1);
  CHECK(last_base0_auction_id(1) == 0);
  CHECK(last_base0_auction_id(3) == 2);
  CHECK(last_base0_auction_id(10) == 2);
  CHECK(last_base0_auction_id(50) == 2);
  CHECK(last_base0_auction_id(51) == 3);
}

TEST_CASE("the nexmark generator's strings look like the reference's") {
  using namespace sluice::ops::source::nexmark;
  generator g(config{});
  person p{};
  g.make_person(0, p);
  CHECK(p.credit_card.size() == 19);
  CHECK(p.email_address.find('@') != std::string_view::npos);
  CHECK(p.email_address.substr(p.email_address.size() - 4) == ".com");
  CHECK(std::string_view("AZ CA ID OR WA WY").find(p.state) != std::string_view::npos);
  bid b{};
  for (std::int64_t e = 4; e < 50; ++e) {
    g.make_bid(e, b);
    CHECK(b.url.substr(0, 24) == "https://www.nexmark.com/");
    CHECK(b.price >= 100);
    CHECK(b.price <= 100000000);
  }
}

TEST_CASE("source.nexmark emits only the fields asked for, with the same values") {
  auto all = run({{"events", 5000}});
  nlohmann::json fields = {{"bid", {"price", "auction"}},
                           {"auction", {"id", "reserve"}},
                           {"person", {"id", "credit_card"}}};
  auto some = run({{"events", 5000}, {"fields", fields}});
  auto s = output_schemas_of("source.nexmark", {{"fields", fields}});
  CHECK(s[0]->to_string() == "id:int, credit_card:string"); // in the schema's order
  CHECK(s[1]->to_string() == "id:int, reserve:int");
  CHECK(s[2]->to_string() == "auction:int, price:int");
  CHECK(ints(some, bid_port, 0) == ints(all, bid_port, 0));
  CHECK(ints(some, bid_port, 1) == ints(all, bid_port, 2));
  CHECK(ints(some, auction_port, 1) == ints(all, auction_port, 4)); // reserve, drawn after strings
  std::vector<std::string> cards_all, cards_some;
  for (const auto& b : all.batches[person_port])
    for (std::size_t r = 0; r < b->rows(); ++r) cards_all.emplace_back(b->col(3).string_at(r));
  for (const auto& b : some.batches[person_port])
    for (std::size_t r = 0; r < b->rows(); ++r) cards_some.emplace_back(b->col(1).string_at(r));
  CHECK(cards_some == cards_all);
}

TEST_CASE("source.nexmark refuses fields that do not exist") {
  auto err = test::param_error_of("source.nexmark", {{"fields", {{"bid", {"auction", "cost"}}}}});
  REQUIRE(err);
  CHECK(err->param() == "fields");
  CHECK_THAT(err->what(), Catch::Contains("no field 'cost'"));
  err = test::param_error_of("source.nexmark", {{"fields", {{"bids", {"auction"}}}}});
  REQUIRE(err);
  CHECK_THAT(err->what(), Catch::Contains("no port 'bids'"));
}

TEST_CASE("with a rate source.nexmark emits only the events due by the clock") {
  auto clock = std::make_shared<core::manual_clock>();
  core::operator_context ctx;
  ctx.clock = clock;
  auto op = make_operator("source.nexmark", {{"events", 100}, {"rate", 1000}}, ctx);
  recording_emitter out(3);
  auto total = [&] { return out.rows(0) + out.rows(1) + out.rows(2); };
  auto r = op->poll(out, 1000); // t = 0: event 0 is due
  CHECK(total() == 1);
  CHECK(r.what == state::wait);
  CHECK(r.wait_ns > 0);
  clock->advance_ns(10000000); // 10 ms: events 1..10 are due
  op->poll(out, 1000);
  CHECK(total() == 11);
  clock->advance_ns(1000000000); // long past the end
  while (op->poll(out, 1000).what != state::finished) {}
  CHECK(total() == 100);
}

TEST_CASE("source.nexmark's event time follows its rate when no event_rate is given") {
  auto out = run({{"events", 100}, {"rate", 1e9}}); // 1 ns per event: all in the same ms
  auto times = ints(out, bid_port, 5);
  auto base = core::parse_iso8601("2015-07-15T00:00:00Z").value();
  for (auto t : times) CHECK(t == base);
}

TEST_CASE("source.nexmark with events 0 never ends") {
  auto op = make_operator("source.nexmark", {{"events", 0}});
  recording_emitter out(3);
  for (int i = 0; i < 50; ++i) REQUIRE(op->poll(out, 4096).what == state::more);
  CHECK(out.rows(0) + out.rows(1) + out.rows(2) == 50 * 2048);
}
