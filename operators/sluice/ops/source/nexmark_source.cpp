// `source.nexmark`: the NEXMark auction events (see nexmark_generator.hpp)
// on three output ports `person`, `auction` and `bid`. Parallel instance i
// of N generates the blocks of 4096 event positions k with k mod N = i, so
// all instances together emit exactly the events of one instance. An
// unconnected port's events are not generated at all (each event draws
// from its own RNG, so the others do not change).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/core/params.hpp"
#include "sluice/core/state.hpp"
#include "sluice/ops/descriptor_util.hpp"
#include "sluice/ops/source/nexmark_columns.hpp"
#include "sluice/ops/source/nexmark_generator.hpp"

namespace sluice::ops::source {

namespace {

using core::value_type;
using nexmark::port_columns;
using nexmark::projection;
using nexmark::string_out;

constexpr std::size_t max_batch = 2048;
constexpr std::int64_t us_per_ms = 1000;

const core::schema_ptr& person_schema() {
  static const core::schema_ptr s = core::make_schema({{"id", value_type::int64},
                                                       {"name", value_type::string},
                                                       {"email_address", value_type::string},
                                                       {"credit_card", value_type::string},
                                                       {"city", value_type::string},
                                                       {"state", value_type::string},
                                                       {"date_time", value_type::timestamp},
                                                       {"extra", value_type::string}});
  return s;
}

const core::schema_ptr& auction_schema() {
  static const core::schema_ptr s = core::make_schema({{"id", value_type::int64},
                                                       {"item_name", value_type::string},
                                                       {"description", value_type::string},
                                                       {"initial_bid", value_type::int64},
                                                       {"reserve", value_type::int64},
                                                       {"date_time", value_type::timestamp},
                                                       {"expires", value_type::timestamp},
                                                       {"seller", value_type::int64},
                                                       {"category", value_type::int64},
                                                       {"extra", value_type::string}});
  return s;
}

const core::schema_ptr& bid_schema() {
  static const core::schema_ptr s = core::make_schema({{"auction", value_type::int64},
                                                       {"bidder", value_type::int64},
                                                       {"price", value_type::int64},
                                                       {"channel", value_type::string},
                                                       {"url", value_type::string},
                                                       {"date_time", value_type::timestamp},
                                                       {"extra", value_type::string}});
  return s;
}

/// The emitted fields of each port: all, or those `fields` names.
std::array<projection, 3> make_projections(const nexmark::config& cfg,
                                           const nlohmann::json& fields) {
  // bytes per row of each string column, to size the buffers ahead
  auto extra = [](std::int64_t avg) { return static_cast<std::size_t>(avg + avg / 5 + 8); };
  const char* names[3] = {"person", "auction", "bid"};
  const core::schema_ptr* full[3] = {&person_schema(), &auction_schema(), &bid_schema()};
  const std::vector<std::size_t> bytes[3] = {
    {0, 16, 16, 20, 16, 2, 0, extra(cfg.avg_person_byte_size)},
    {0, 20, 100, 0, 0, 0, 0, 0, 0, extra(cfg.avg_auction_byte_size)},
    {0, 0, 0, 12, 80, 0, extra(cfg.avg_bid_byte_size)}};
  if (!fields.is_null() && !fields.is_object())
    throw core::param_error("fields", "fields must be an object: port -> list of fields");
  if (fields.is_object())
    for (const auto& [port, list] : fields.items())
      if (port != "person" && port != "auction" && port != "bid")
        throw core::param_error("fields",
                                "fields: no port '" + port + "' (ports: person, auction, bid)");
  std::array<projection, 3> proj;
  for (std::size_t p = 0; p < 3; ++p) {
    const nlohmann::json* wanted = nullptr;
    if (fields.is_object() && fields.contains(names[p])) wanted = &fields.at(names[p]);
    proj[p] = nexmark::project(*full[p], wanted, names[p], bytes[p]);
  }
  return proj;
}

class nexmark_source final : public core::source_operator {
public:
  nexmark_source(const nexmark::config& cfg, std::uint64_t events, double rate,
                 const std::array<projection, 3>& proj, const core::operator_context& ctx)
    : gen_(cfg), order_(gen_, events, ctx.instance, ctx.parallelism), clock_(ctx.clock) {
    rate_ = rate / static_cast<double>(ctx.parallelism);
    for (std::size_t p = 0; p < 3; ++p) {
      connected_[p] = ctx.output_connected.size() <= p || ctx.output_connected[p];
      proj_[p] = proj[p];
    }
  }

  std::uint32_t state_version() const override { return 1; }

  void snapshot(core::state_writer& w) const override {
    auto pos = order_.save();
    w.u64(pos.cursor);
    w.u64(pos.block_end);
    w.u64(pos.emitted);
    w.count(pos.held.size());
    for (const auto& [release, position] : pos.held) {
      w.i64(release);
      w.u64(position);
    }
    w.boolean(done_);
    w.boolean(started_);
    w.i64(started_ ? clock_->now_ns() - start_ns_ : 0);
  }

  void restore(core::state_reader& r) override {
    nexmark::emission_order::position pos;
    pos.cursor = r.u64();
    pos.block_end = r.u64();
    pos.emitted = r.u64();
    pos.held.resize(r.count());
    for (auto& [release, position] : pos.held) {
      release = r.i64();
      position = r.u64();
    }
    order_.load(pos);
    done_ = r.boolean();
    started_ = r.boolean();
    start_ns_ = clock_->now_ns() - r.i64();
  }

  core::poll_result poll(core::emitter& out, std::size_t budget) override {
    if (done_) return core::poll_result::finished();
    std::size_t want = std::min(budget, max_batch);
    if (rate_ > 0) {
      std::int64_t now = clock_->now_ns();
      if (!started_) {
        started_ = true;
        start_ns_ = now;
      }
      double elapsed = static_cast<double>(now - start_ns_);
      auto due = static_cast<std::uint64_t>(std::floor(elapsed * rate_ / 1e9)) + 1;
      if (due <= order_.emitted()) return wait_for_next(now);
      want = static_cast<std::size_t>(std::min<std::uint64_t>(want, due - order_.emitted()));
      if (want == 0) return core::poll_result::more(); // no budget
      generate(out, want);
      if (done_) return core::poll_result::finished();
      return due > order_.emitted() ? core::poll_result::more() : wait_for_next(now);
    }
    if (want == 0) return core::poll_result::more();
    generate(out, want);
    return done_ ? core::poll_result::finished() : core::poll_result::more();
  }

private:
  // Waits until a millisecond's worth of events more is due (at most ~1000
  // wake-ups a second).
  core::poll_result wait_for_next(std::int64_t now) const {
    auto chunk = static_cast<std::uint64_t>(std::max(1.0, rate_ / 1000.0));
    double at = std::ceil(static_cast<double>(order_.emitted() + chunk - 1) * 1e9 / rate_);
    auto wait = static_cast<std::int64_t>(at) - (now - start_ns_);
    return core::poll_result::wait(std::max<std::int64_t>(wait, 1));
  }

  void generate(core::emitter& out, std::size_t n) {
    // Expected rows per port, with some slack.
    const std::size_t rows[3] = {n / 40 + 8, n / 14 + 8, n};
    for (std::size_t p = 0; p < 3; ++p)
      if (connected_[p]) ports_[p].start(proj_[p].schema, rows[p], proj_[p].bytes);
    for (std::size_t k = 0; k < n; ++k) {
      std::uint64_t pos;
      if (!order_.next(pos)) {
        done_ = true;
        break;
      }
      std::int64_t e = gen_.event_number(pos);
      switch (nexmark::kind_of(e)) {
        case nexmark::event_kind::person:
          if (connected_[0]) add_person(e);
          break;
        case nexmark::event_kind::auction:
          if (connected_[1]) add_auction(e);
          break;
        case nexmark::event_kind::bid:
          if (connected_[2]) add_bid(e);
          break;
      }
    }
    for (std::size_t p = 0; p < 3; ++p) {
      if (!connected_[p]) continue;
      if (ports_[p].rows > 0) out.emit(p, ports_[p].finish(proj_[p].schema));
      else ports_[p].cols.clear();
    }
    if (!done_) out.watermark(order_.watermark_ms() * us_per_ms);
  }

  // Writes full-schema field f of the row being added, if it is emitted.
  struct row_writer {
    port_columns& c;
    const std::vector<int>& col;
    void i(std::size_t f, std::int64_t v) {
      if (col[f] >= 0) c.i(static_cast<std::size_t>(col[f]), v);
    }
    void s(std::size_t f, std::string_view v) {
      if (col[f] >= 0) c.s(static_cast<std::size_t>(col[f]), v);
    }
    void s_plain(std::size_t f, std::string_view v) {
      if (col[f] >= 0) c.s_plain(static_cast<std::size_t>(col[f]), v);
    }
  };

  void add_person(std::int64_t e) {
    gen_.make_person(e, person_, proj_[0].mask);
    row_writer w{ports_[0], proj_[0].column};
    w.i(0, person_.id);
    w.s(1, person_.name);
    w.s(2, person_.email_address);
    w.s(3, person_.credit_card);
    w.s_plain(4, person_.city);
    w.s_plain(5, person_.state);
    w.i(6, person_.date_time * us_per_ms);
    w.s(7, person_.extra);
    ++ports_[0].rows;
  }

  void add_auction(std::int64_t e) {
    gen_.make_auction(e, auction_, proj_[1].mask);
    row_writer w{ports_[1], proj_[1].column};
    w.i(0, auction_.id);
    w.s(1, auction_.item_name);
    w.s(2, auction_.description);
    w.i(3, auction_.initial_bid);
    w.i(4, auction_.reserve);
    w.i(5, auction_.date_time * us_per_ms);
    w.i(6, auction_.expires * us_per_ms);
    w.i(7, auction_.seller);
    w.i(8, auction_.category);
    w.s(9, auction_.extra);
    ++ports_[1].rows;
  }

  void add_bid(std::int64_t e) {
    // `extra` is written by the generator straight into its column
    char* extra_to = nullptr;
    int extra_col = proj_[2].column[6];
    string_out* extra_out = nullptr;
    if (extra_col >= 0) {
      extra_out = &ports_[2].strings[static_cast<std::size_t>(extra_col)];
      extra_out->room(gen_.max_bid_extra());
      extra_to = extra_out->base + extra_out->pos;
    }
    gen_.make_bid(e, bid_, proj_[2].mask, extra_to);
    row_writer w{ports_[2], proj_[2].column};
    w.i(0, bid_.auction);
    w.i(1, bid_.bidder);
    w.i(2, bid_.price);
    w.s(3, bid_.channel);
    w.s(4, bid_.url);
    w.i(5, bid_.date_time * us_per_ms);
    if (extra_out) extra_out->written(bid_.extra.size());
    ++ports_[2].rows;
  }

  nexmark::generator gen_;
  nexmark::emission_order order_;
  const std::shared_ptr<core::clock> clock_;
  double rate_ = 0; ///< this instance's events per second; 0 = unpaced
  bool connected_[3] = {true, true, true};
  projection proj_[3];
  port_columns ports_[3];
  nexmark::person person_{};
  nexmark::auction auction_{};
  nexmark::bid bid_{};
  // state
  bool done_ = false;
  bool started_ = false;
  std::int64_t start_ns_ = 0;
};

} // namespace

core::descriptor nexmark_descriptor() {
  using core::param_type;
  core::descriptor d;
  d.kind = "source.nexmark";
  d.category = "source";
  d.summary =
    "NEXMark auction events (people, auctions, bids) as the Beam/Flink generators make them";
  d.outputs = {
    {"person", "id:int, name, email_address, credit_card, city, state, date_time:timestamp, extra"},
    {"auction", "id:int, item_name, description, initial_bid:int, reserve:int, "
                "date_time:timestamp, expires:timestamp, seller:int, category:int, extra"},
    {"bid", "auction:int, bidder:int, price:int, channel, url, date_time:timestamp, extra"}};
  d.properties = {
    prop("events", param_type::integer, "events in total (people + auctions + bids); 0 = unbounded")
      .def(1000000)
      .min(0),
    prop("rate", param_type::number,
         "events per second (processing time) over all instances; 0 = as fast as possible")
      .def(0)
      .min(0)
      .shapes_state(),
    prop("event_rate", param_type::number,
         "events per second of event time; 0 = `rate`, or 10000 when `rate` is 0")
      .def(0)
      .min(0)
      .shapes_state(),
    prop("seed", param_type::integer, "seed of every random choice").def(0).min(0).shapes_state(),
    prop("base_time", param_type::timestamp, "event time of event 0")
      .def("2015-07-15T00:00:00Z")
      .shapes_state(),
    prop("hot_auction_ratio", param_type::integer, "1 bid in this many is not on a hot auction")
      .def(2)
      .min(1)
      .shapes_state(),
    prop("hot_sellers_ratio", param_type::integer, "1 auction in this many is not by a hot seller")
      .def(4)
      .min(1)
      .shapes_state(),
    prop("hot_bidders_ratio", param_type::integer, "1 bid in this many is not by a hot bidder")
      .def(4)
      .min(1)
      .shapes_state(),
    prop("num_active_people", param_type::integer,
         "sellers and bidders are drawn from the last this many people")
      .def(1000)
      .min(1)
      .shapes_state(),
    prop("num_in_flight_auctions", param_type::integer,
         "bids are drawn from the last this many auctions; sets the auction length")
      .def(100)
      .min(1)
      .shapes_state(),
    prop("out_of_order_group_size", param_type::integer,
         "events are shuffled within groups of this many (1 = in order)")
      .def(1)
      .min(1)
      .shapes_state(),
    prop("occasional_delay", param_type::duration,
         "a delayed event comes up to this much event time late; 0 = none")
      .def("0s")
      .shapes_state(),
    prop("prob_delayed_event", param_type::number, "probability that an event is delayed")
      .def(0.1)
      .min(0)
      .max(1)
      .shapes_state(),
    prop("avg_person_byte_size", param_type::integer, "average size of a person (pads `extra`)")
      .def(200)
      .min(1)
      .shapes_state(),
    prop("avg_auction_byte_size", param_type::integer, "average size of an auction (pads `extra`)")
      .def(500)
      .min(1)
      .shapes_state(),
    prop("avg_bid_byte_size", param_type::integer, "average size of a bid (pads `extra`)")
      .def(100)
      .min(1)
      .shapes_state(),
    prop("fields", param_type::json,
         "per port, the fields to emit (projection), e.g. {\"bid\": [\"auction\", \"price\"]}; "
         "absent = every field")
      .shapes_state(),
  };
  d.bind = [](const core::params& p, const core::bind_context&) -> core::bound_ptr {
    nexmark::config cfg;
    double rate = p.number("rate");
    cfg.event_rate = p.number("event_rate");
    if (cfg.event_rate <= 0) cfg.event_rate = rate > 0 ? rate : 10000;
    cfg.seed = static_cast<std::uint64_t>(p.integer("seed"));
    cfg.base_time_ms = p.timestamp("base_time") / us_per_ms;
    cfg.hot_auction_ratio = p.integer("hot_auction_ratio");
    cfg.hot_sellers_ratio = p.integer("hot_sellers_ratio");
    cfg.hot_bidders_ratio = p.integer("hot_bidders_ratio");
    cfg.num_active_people = p.integer("num_active_people");
    cfg.num_in_flight_auctions = p.integer("num_in_flight_auctions");
    cfg.out_of_order_group_size = p.integer("out_of_order_group_size");
    auto delay = p.duration("occasional_delay");
    if (delay < 0) throw core::param_error("occasional_delay", "must not be negative");
    cfg.occasional_delay_ms = delay / us_per_ms;
    cfg.prob_delayed_event = p.number("prob_delayed_event");
    cfg.avg_person_byte_size = p.integer("avg_person_byte_size");
    cfg.avg_auction_byte_size = p.integer("avg_auction_byte_size");
    cfg.avg_bid_byte_size = p.integer("avg_bid_byte_size");
    nlohmann::json fields = p.has("fields") ? p.json("fields") : nlohmann::json();
    auto proj = make_projections(cfg, fields);
    auto events = static_cast<std::uint64_t>(p.integer("events"));
    return bound({proj[0].schema, proj[1].schema, proj[2].schema},
                 [cfg, events, rate, proj](const core::operator_context& ctx) {
                   if (ctx.parallelism == 0 || ctx.instance >= ctx.parallelism)
                     throw std::logic_error("nexmark instance " + std::to_string(ctx.instance)
                                            + " out of range for parallelism "
                                            + std::to_string(ctx.parallelism));
                   return std::make_unique<nexmark_source>(cfg, events, rate, proj, ctx);
                 });
  };
  return d;
}

} // namespace sluice::ops::source
