#pragma once

// The NEXMark event generator (people, auctions, bids of an online auction),
// after the reference implementations (Apache Beam
// sdks/java/testing/nexmark, generator/model/*Generator.java, and Flink's
// nexmark repository): the same proportions, id schemes, hot
// auctions/bidders/sellers, active-people and in-flight-auction windows,
// auction expiry, price distribution, field sizes and out-of-order knobs.
//
// No actors and no Sluice types: the `source.nexmark` operator and the
// hand-written baseline (bench/baseline) share it. An event is a pure
// function of (seed, event number): its random draws come from a small RNG
// seeded from both, as the reference seeds java.util.Random with the event
// id. So skipping an event (an unconnected port) or generating disjoint event
// ranges in parallel instances never changes any other event.
//
// Strings are string_views into tables or into buffers owned by the
// generator, valid until the next make_* call: nothing is allocated per event.
// Every string of a bid, and a person's name, email and card number and an
// auction's item name, description and extra, may be read up to `padding`
// bytes past its end (the tables and buffers are padded), so copies can use
// whole 8-byte words.

#include <cstddef>
#include <cstdint>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::ops::source::nexmark {

// The reference's constants (GeneratorConfig, PersonGenerator, ...).
constexpr std::int64_t person_proportion = 1;
constexpr std::int64_t auction_proportion = 3;
constexpr std::int64_t bid_proportion = 46;
constexpr std::int64_t proportion_denominator = 50;
constexpr std::int64_t first_person_id = 1000;
constexpr std::int64_t first_auction_id = 1000;
constexpr std::int64_t first_category_id = 10;
constexpr std::int64_t num_categories = 5;
constexpr std::int64_t person_id_lead = 10;
constexpr std::int64_t auction_id_lead = 10;
/// Hot sellers / auctions / bidders are the first (bidders: second) of each
/// batch of this many people or auctions.
constexpr std::int64_t hot_seller_batch = 100;
constexpr std::int64_t hot_auction_batch = 100;
constexpr std::int64_t hot_bidder_batch = 100;
constexpr std::int64_t hot_channels_ratio = 2;
constexpr std::int64_t channels_number = 10000;
constexpr std::size_t padding = 16;
/// 2015-07-15T00:00:00Z in ms, the reference's base time.
constexpr std::int64_t default_base_time_ms = 1436918400000;

struct config {
  std::uint64_t seed = 0;
  std::int64_t base_time_ms = default_base_time_ms;
  /// Events per second of event time: event n is at base + n × 1e6 / rate µs
  /// (truncated to ms, as in the reference).
  double event_rate = 10000;
  std::int64_t hot_auction_ratio = 2; ///< P(bid on a hot auction) = 1 - 1/ratio
  std::int64_t hot_sellers_ratio = 4; ///< P(auction by a hot seller) = 1 - 1/ratio
  std::int64_t hot_bidders_ratio = 4; ///< P(bid by a hot bidder) = 1 - 1/ratio
  std::int64_t num_active_people = 1000;
  std::int64_t num_in_flight_auctions = 100;
  std::int64_t out_of_order_group_size = 1;
  std::int64_t occasional_delay_ms = 0; ///< 0: no delayed events
  double prob_delayed_event = 0.1;
  std::int64_t avg_person_byte_size = 200;
  std::int64_t avg_auction_byte_size = 500;
  std::int64_t avg_bid_byte_size = 100;
};

enum class event_kind : std::uint8_t { person, auction, bid };

struct person {
  std::int64_t id;
  std::string_view name, email_address, credit_card, city, state;
  std::int64_t date_time; ///< ms since the epoch
  std::string_view extra;
};

struct auction {
  std::int64_t id;
  std::string_view item_name, description;
  std::int64_t initial_bid, reserve;
  std::int64_t date_time, expires; ///< ms since the epoch
  std::int64_t seller, category;
  std::string_view extra;
};

struct bid {
  std::int64_t auction, bidder, price;
  std::string_view channel, url;
  std::int64_t date_time; ///< ms since the epoch
  std::string_view extra;
};

/// Small, fast and stable RNG (wyrand), seeded per event.
class rng {
public:
  explicit rng(std::uint64_t state) : s_(state) {}
  std::uint64_t next() {
    s_ += 0xa0761d6478bd642fULL;
    __uint128_t t = static_cast<__uint128_t>(s_) * (s_ ^ 0xe7037ed1a0b428dbULL);
    return static_cast<std::uint64_t>(t >> 64) ^ static_cast<std::uint64_t>(t);
  }
  /// Uniform in [0, n), n > 0 (multiply-shift; bias below 2^-40 for our n).
  std::int64_t below(std::int64_t n) {
    return static_cast<std::int64_t>(
      (static_cast<__uint128_t>(next()) * static_cast<std::uint64_t>(n)) >> 64);
  }
  /// Advances as `n` calls of next() would.
  void skip(std::uint64_t n) { s_ += n * 0xa0761d6478bd642fULL; }
  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1p-53; }

private:
  std::uint64_t s_;
};

/// Mixes two words into one (splitmix64 finaliser).
std::uint64_t mix(std::uint64_t a, std::uint64_t b);

inline event_kind kind_of(std::int64_t event_id) {
  std::int64_t rem = event_id % proportion_denominator;
  if (rem < person_proportion) return event_kind::person;
  if (rem < person_proportion + auction_proportion) return event_kind::auction;
  return event_kind::bid;
}

/// The base-0 id of the last person generated at or before event `event_id`.
inline std::int64_t last_base0_person_id(std::int64_t event_id) {
  std::int64_t epoch = event_id / proportion_denominator;
  std::int64_t offset = event_id % proportion_denominator;
  if (offset >= person_proportion) offset = person_proportion - 1;
  return epoch * person_proportion + offset;
}

/// The base-0 id of the last auction generated at or before event `event_id`.
inline std::int64_t last_base0_auction_id(std::int64_t event_id) {
  std::int64_t epoch = event_id / proportion_denominator;
  std::int64_t offset = event_id % proportion_denominator;
  if (offset < person_proportion) {
    --epoch;
    offset = auction_proportion - 1;
  } else if (offset >= person_proportion + auction_proportion) {
    offset = auction_proportion - 1;
  } else {
    offset -= person_proportion;
  }
  return epoch * auction_proportion + offset;
}

class generator {
public:
  explicit generator(const config& cfg);

  const config& cfg() const { return cfg_; }

  /// The event number (= event id) of stream position `position`:
  /// positions are permuted within groups of out_of_order_group_size.
  std::int64_t event_number(std::uint64_t position) const {
    auto n = static_cast<std::uint64_t>(cfg_.out_of_order_group_size);
    if (n <= 1) return static_cast<std::int64_t>(position);
    return static_cast<std::int64_t>((position / n) * n + (position * 953) % n);
  }
  /// The position whose event time the watermark after `position` follows.
  std::int64_t watermark_number(std::uint64_t position) const {
    auto n = static_cast<std::uint64_t>(cfg_.out_of_order_group_size);
    return static_cast<std::int64_t>((position / n) * n);
  }
  /// Event time of event number `n`, in ms.
  std::int64_t timestamp_ms(std::int64_t n) const {
    return cfg_.base_time_ms + static_cast<std::int64_t>(static_cast<double>(n) * delay_us_) / 1000;
  }

  /// The event `event_id` (of the right kind, see kind_of). `fields`: bit i
  /// set = field i (in the order of the struct) is needed; strings that are
  /// not needed may be left empty (their random draws are skipped, so the
  /// other fields do not change). Numbers are always filled in.
  void make_person(std::int64_t event_id, person& out, std::uint32_t fields = ~0u);
  void make_auction(std::int64_t event_id, auction& out, std::uint32_t fields = ~0u);
  /// `extra_to`: where to write the bid's `extra` instead of the generator's
  /// buffer, with room for max_bid_extra() bytes.
  void make_bid(std::int64_t event_id, bid& out, std::uint32_t fields = ~0u,
                char* extra_to = nullptr);
  /// Room `extra_to` needs: the longest `extra` rounded up to 8 bytes.
  std::size_t max_bid_extra() const { return bid_buf_.size(); }

  /// Whether stream position `position` is delayed, and by how many ms.
  std::int64_t delay_ms(std::uint64_t position) const;

private:
  rng event_rng(std::int64_t event_id) const {
    return rng(mix(cfg_.seed, static_cast<std::uint64_t>(event_id)));
  }
  std::int64_t next_base0_person_id(std::int64_t event_id, rng& r) const;
  std::int64_t next_base0_auction_id(std::int64_t event_id, rng& r) const;
  static std::int64_t next_price(rng& r);
  void build_channels();

  const config cfg_;
  double delay_us_;
  // scratch buffers the string_views of the last event point into
  std::string person_buf_, auction_buf_, bid_buf_;
  // channel table: 4 hot channels + channels_number others
  std::string channel_bytes_;
  std::vector<std::uint32_t> channel_offs_; // channel c: [2c] name [2c+1] url [2c+2]
  bool channels_built_ = false;
};

/// The order in which one of `parallelism` instances emits stream positions:
/// blocks of `block` positions, block k going to instance k mod parallelism,
/// with each occasionally delayed event held back until the instance reaches
/// events `delay_ms` later in event time. A tiny heap of positions: a delayed
/// event is regenerated when released.
class emission_order {
public:
  /// `total` = 0: unbounded.
  emission_order(const generator& g, std::uint64_t total, std::size_t instance,
                 std::size_t parallelism, std::uint64_t block = 4096);

  /// The next position to emit; false when every position was emitted.
  bool next(std::uint64_t& position) {
    if (!delays_ && cursor_ != block_end_ && (total_ == 0 || cursor_ < total_)) {
      position = cursor_++; // in a block, nothing delayed: the next one
      ++emitted_;
      return true;
    }
    return next_slow(position);
  }
  /// A lower bound on the event time (ms) of every event emitted from now on.
  std::int64_t watermark_ms() const;
  /// Positions emitted so far.
  std::uint64_t emitted() const { return emitted_; }

  /// Where the order stands: enough to continue it in a fresh instance.
  struct position {
    std::uint64_t cursor = 0, block_end = 0, emitted = 0;
    std::vector<std::pair<std::int64_t, std::uint64_t>> held; ///< (release ms, position)
  };
  position save() const;
  void load(const position& p);

private:
  bool next_slow(std::uint64_t& position);
  bool own_next(std::uint64_t& position);

  const generator& g_;
  std::uint64_t total_, block_, stride_, cursor_, block_end_;
  std::uint64_t emitted_ = 0;
  bool delays_;
  using held = std::pair<std::int64_t, std::uint64_t>; // release time, position
  std::priority_queue<held, std::vector<held>, std::greater<held>> held_;
};

} // namespace sluice::ops::source::nexmark
